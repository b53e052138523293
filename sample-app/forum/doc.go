// Package forum is the sample application of the workshop: a small,
// read-only forum of users, threads and posts with the HTTP API of the
// original tutorial's Node.js services.
//
// One package serves all four services. The monolith answers every route;
// the users, threads and posts microservices answer only their own
// collection, so that a load balancer routing by path gives exactly the
// answers the monolith gave. Every response carries an X-Service header
// naming the service that produced it.
//
// Routes (GET and HEAD; OPTIONS lists the methods; any other method on a
// known path is 405; an unknown path is 404; a trailing slash is allowed):
//
//	/                           "Ready to receive requests" (the health check)
//	/api                        "API ready to receive requests"
//	/api/users                  all users                     (monolith, users)
//	/api/users/{id}             one user, 204 if unknown      (monolith, users)
//	/api/threads                all threads                   (monolith, threads)
//	/api/threads/{id}           one thread, 204 if unknown    (monolith, threads)
//	/api/posts                  all posts                     (monolith, posts)
//	/api/posts/in-thread/{id}   the posts of a thread         (monolith, posts)
//	/api/posts/by-user/{id}     the posts of a user           (monolith, posts)
package forum
