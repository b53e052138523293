package forum

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed data/*.json
var dataFiles embed.FS

// User is a member of the forum.
type User struct {
	ID       int    `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Bio      string `json:"bio"`
}

// Thread is a discussion started by a user.
type Thread struct {
	ID        int    `json:"id"`
	Title     string `json:"title"`
	CreatedBy int    `json:"createdBy"`
}

// Post is a message in a thread. As in the original tutorial, posts have no
// id of their own: they are found through their thread or their author.
type Post struct {
	Thread int    `json:"thread"`
	Text   string `json:"text"`
	User   int    `json:"user"`
}

// Data is the whole forum.
type Data struct {
	Users   []User
	Threads []Thread
	Posts   []Post
}

// LoadData reads the forum embedded in the binary and checks that every
// reference in it points at something that exists.
func LoadData() (Data, error) {
	var d Data
	for _, f := range []struct {
		name string
		into any
	}{
		{"data/users.json", &d.Users},
		{"data/threads.json", &d.Threads},
		{"data/posts.json", &d.Posts},
	} {
		raw, err := dataFiles.ReadFile(f.name)
		if err != nil {
			return Data{}, fmt.Errorf("read %s: %w", f.name, err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(f.into); err != nil {
			return Data{}, fmt.Errorf("parse %s: %w", f.name, err)
		}
	}
	if err := d.Validate(); err != nil {
		return Data{}, err
	}
	return d, nil
}

// Validate checks that ids are unique and positive and that every thread's
// author and every post's thread and author exist.
func (d Data) Validate() error {
	users := make(map[int]bool, len(d.Users))
	for _, u := range d.Users {
		if u.ID <= 0 || users[u.ID] {
			return fmt.Errorf("forum data: user id %d is not positive or not unique", u.ID)
		}
		users[u.ID] = true
	}
	threads := make(map[int]bool, len(d.Threads))
	for _, t := range d.Threads {
		if t.ID <= 0 || threads[t.ID] {
			return fmt.Errorf("forum data: thread id %d is not positive or not unique", t.ID)
		}
		if !users[t.CreatedBy] {
			return fmt.Errorf("forum data: thread %d was created by unknown user %d", t.ID, t.CreatedBy)
		}
		threads[t.ID] = true
	}
	for i, p := range d.Posts {
		if !threads[p.Thread] {
			return fmt.Errorf("forum data: post %d is in unknown thread %d", i, p.Thread)
		}
		if !users[p.User] {
			return fmt.Errorf("forum data: post %d is by unknown user %d", i, p.User)
		}
	}
	return nil
}
