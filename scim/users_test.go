package scim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

func TestLostCreateAnswerSurfacesEmailTaken(t *testing.T) {
	// The first POST creates the user but its answer is lost; the retry then
	// meets the user it created. The typed error must reach the caller.
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n != 1 {
			return false
		}
		f.mu.Lock()
		f.users = append(f.users, &User{ID: "U77777", UserName: "ann", Emails: []MultiValue{{Value: "ann@x.io", Primary: true}}})
		f.mu.Unlock()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return true
	}
	c, _ := f.start(t)
	_, err := c.CreateUser(context.Background(), &User{UserName: "ann", Emails: []MultiValue{{Value: "ann@x.io"}}})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeEmailTaken || e.ExistingUserID != "U77777" {
		t.Fatalf("err = %v, want email_taken naming U77777", err)
	}
}

func TestFilterEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{`jo`, `userName eq "jo"`},
		{`a"b`, `userName eq "a\"b"`},
		{`back\slash`, `userName eq "back\\slash"`},
		{"tab\there", `userName eq "tab\there"`},
		{`<&>`, `userName eq "<&>"`},
	}
	for _, tt := range tests {
		f := newFakeSlack()
		c, _ := f.start(t)
		u, err := c.FindUserByUserName(context.Background(), tt.in)
		if err != nil || u != nil {
			t.Fatalf("FindUserByUserName(%q) = %v, %v; want nil, nil", tt.in, u, err)
		}
		if got := f.recorded()[0].Filter; got != tt.want {
			t.Errorf("filter for %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFindUserByUserName(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(3)
	c, _ := f.start(t)
	u, err := c.FindUserByUserName(context.Background(), "USER2")
	if err != nil || u == nil || u.ID != "U00002" {
		t.Fatalf("got %v, %v; want U00002", u, err)
	}
}

func TestFindUserIgnoresServerThatIgnoresFilters(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(3)
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		page(w, r, f.users, 1000)
		return true
	}
	c, _ := f.start(t)
	if u, err := c.FindUserByUserName(context.Background(), "someone-else"); u != nil || err != nil {
		t.Errorf("FindUserByUserName = %v, %v; want nil, nil", u, err)
	}
	if u, err := c.FindUserByEmail(context.Background(), "nobody@x.io"); u != nil || err != nil {
		t.Errorf("FindUserByEmail = %v, %v; want nil, nil", u, err)
	}
}

func TestFindUserByEmailFallsBackAndRemembers(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(2)
	f.emailAttrs = map[string]bool{"email": true}
	c, _ := f.start(t)
	ctx := context.Background()
	u, err := c.FindUserByEmail(ctx, "user2@example.com")
	if err != nil || u == nil || u.ID != "U00002" {
		t.Fatalf("got %v, %v; want U00002", u, err)
	}
	u, err = c.FindUserByEmail(ctx, "nobody@example.com")
	if err != nil || u != nil {
		t.Fatalf("got %v, %v; want nil, nil", u, err)
	}
	var filters []string
	for _, r := range f.recorded() {
		filters = append(filters, r.Filter)
	}
	want := []string{`emails eq "user2@example.com"`, `email eq "user2@example.com"`, `email eq "nobody@example.com"`}
	if strings.Join(filters, "|") != strings.Join(want, "|") {
		t.Errorf("filters = %q, want %q", filters, want)
	}
}

func TestFindUserByEmailPluralWorks(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(1)
	f.emailAttrs = map[string]bool{"emails": true}
	c, _ := f.start(t)
	for range 2 {
		if u, err := c.FindUserByEmail(context.Background(), "USER1@example.com"); err != nil || u == nil {
			t.Fatalf("got %v, %v", u, err)
		}
	}
	if n := len(f.recorded()); n != 2 {
		t.Errorf("made %d requests, want 2 (no fallback needed)", n)
	}
}

func TestFindUserByEmailBothRejected(t *testing.T) {
	f := newFakeSlack()
	f.emailAttrs = map[string]bool{}
	c, _ := f.start(t)
	_, err := c.FindUserByEmail(context.Background(), "a@x.io")
	if !IsCode(err, CodeInvalidQuery) || len(f.recorded()) != 2 {
		t.Fatalf("err = %v after %d requests; want invalid_query after 2", err, len(f.recorded()))
	}
}

func TestUserLifecycle(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t)
	ctx := context.Background()
	in := NewUser(map[string]string{schema.UserName: "ann", schema.WorkEmail: "ann@x.io", schema.Department: "R&D"})
	u, err := c.CreateUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	var sent User
	json.Unmarshal(f.recorded()[0].Body, &sent)
	if strings.Join(sent.Schemas, ",") != SchemaUser+","+SchemaEnterprise {
		t.Errorf("create schemas = %v", sent.Schemas)
	}
	if err := c.DeactivateUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetUser(ctx, u.ID)
	if err != nil || got.IsActive() {
		t.Fatalf("after deactivate: %v, %v", got, err)
	}
	got, err = c.ReactivateUser(ctx, u.ID)
	if err != nil || !got.IsActive() {
		t.Fatalf("after reactivate: %v, %v", got, err)
	}
	reqs := f.recorded()
	if reqs[1].Method != "DELETE" || reqs[3].Method != "PATCH" ||
		!strings.Contains(string(reqs[3].Body), `{"op":"replace","path":"active","value":true}`) {
		t.Errorf("requests = %+v", reqs)
	}
	_, err = c.GetUser(ctx, "U404")
	if !IsNotFound(err) {
		t.Errorf("GetUser unknown: %v, want not found", err)
	}
}

func TestInvalidIDsRefused(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t)
	ctx := context.Background()
	for _, id := range []string{"", "U1/../Groups", "U1?x=1"} {
		if _, err := c.GetUser(ctx, id); err == nil {
			t.Errorf("GetUser(%q): want error", id)
		}
		if err := c.DeactivateUser(ctx, id); err == nil {
			t.Errorf("DeactivateUser(%q): want error", id)
		}
		if err := c.DeleteGroup(ctx, id); err == nil {
			t.Errorf("DeleteGroup(%q): want error", id)
		}
	}
	if n := len(f.recorded()); n != 0 {
		t.Errorf("made %d requests for invalid ids", n)
	}
	if _, err := c.PatchUser(ctx, "U1", nil); err == nil {
		t.Error("PatchUser with no ops: want error")
	}
}

func TestPatchUserEmptyAnswerFetchesUser(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(1)
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == "PATCH" {
			w.WriteHeader(http.StatusNoContent)
			return true
		}
		return false
	}
	c, _ := f.start(t)
	u, err := c.PatchUser(context.Background(), "U00001", []PatchOp{{Op: "replace", Path: "title", Value: "x"}})
	if err != nil || u == nil || u.ID != "U00001" {
		t.Fatalf("got %v, %v", u, err)
	}
}
