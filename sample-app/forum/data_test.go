package forum

import (
	"strings"
	"testing"
)

func TestEmbeddedDataIsAValidForum(t *testing.T) {
	d, err := LoadData()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) < 6 || len(d.Threads) < 4 || len(d.Posts) < 12 {
		t.Errorf("forum too small: %d users, %d threads, %d posts", len(d.Users), len(d.Threads), len(d.Posts))
	}
	posted := map[int]bool{}
	for _, p := range d.Posts {
		posted[p.User] = true
	}
	for _, u := range d.Users {
		if !posted[u.ID] {
			t.Errorf("user %s never posts; every user should appear in by-user", u.Username)
		}
	}
}

func TestValidateCatchesBrokenRelations(t *testing.T) {
	base := func() Data {
		return Data{
			Users:   []User{{ID: 1, Username: "a"}},
			Threads: []Thread{{ID: 1, CreatedBy: 1}},
			Posts:   []Post{{Thread: 1, User: 1}},
		}
	}
	tests := []struct {
		name   string
		mutate func(*Data)
		want   string
	}{
		{"duplicate user", func(d *Data) { d.Users = append(d.Users, User{ID: 1}) }, "user id 1"},
		{"zero user id", func(d *Data) { d.Users[0].ID = 0 }, "user id 0"},
		{"thread by nobody", func(d *Data) { d.Threads[0].CreatedBy = 9 }, "unknown user 9"},
		{"duplicate thread", func(d *Data) { d.Threads = append(d.Threads, Thread{ID: 1, CreatedBy: 1}) }, "thread id 1"},
		{"post in no thread", func(d *Data) { d.Posts[0].Thread = 7 }, "unknown thread 7"},
		{"post by nobody", func(d *Data) { d.Posts[0].User = 8 }, "unknown user 8"},
	}
	if err := base().Validate(); err != nil {
		t.Fatalf("base data invalid: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := base()
			tt.mutate(&d)
			if err := d.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestParseService(t *testing.T) {
	for _, s := range []string{"monolith", "users", "threads", "posts"} {
		if got, err := ParseService(s); err != nil || string(got) != s {
			t.Errorf("ParseService(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseService("api"); err == nil {
		t.Error("api is the monolith's directory, not a service name")
	}
}
