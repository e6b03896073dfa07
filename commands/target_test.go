package commands

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	elimity "github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// memStore is an in-memory ResourceHandler for elimity-com/scim, a SCIM 2.0
// server library we did not write: it stores what the library validated and
// applies PATCH operations the way RFC 7644 describes them.
type memStore struct {
	mu      sync.Mutex
	prefix  string
	next    int
	items   map[string]elimity.ResourceAttributes
	patches int
	deletes int
}

func newMemStore(prefix string) *memStore {
	return &memStore{prefix: prefix, items: map[string]elimity.ResourceAttributes{}}
}

func (s *memStore) resource(id string) elimity.Resource {
	return elimity.Resource{ID: id, Attributes: s.items[id]}
}

func (s *memStore) Create(_ *http.Request, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	id := fmt.Sprintf("%s%04d", s.prefix, s.next)
	s.items[id] = attrs
	return s.resource(id), nil
}

func (s *memStore) Get(_ *http.Request, id string) (elimity.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return elimity.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	return s.resource(id), nil
}

func (s *memStore) GetAll(_ *http.Request, p elimity.ListRequestParams) (elimity.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.items))
	for id := range s.items {
		if p.FilterValidator == nil || p.FilterValidator.PassesFilter(s.items[id]) == nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	page := elimity.Page{TotalResults: len(ids), Resources: []elimity.Resource{}}
	for i := max(p.StartIndex, 1) - 1; i < len(ids) && len(page.Resources) < p.Count; i++ {
		page.Resources = append(page.Resources, s.resource(ids[i]))
	}
	return page, nil
}

func (s *memStore) Replace(_ *http.Request, id string, attrs elimity.ResourceAttributes) (elimity.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return elimity.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	s.items[id] = attrs
	return s.resource(id), nil
}

func (s *memStore) Delete(_ *http.Request, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deletes++
	delete(s.items, id)
	return nil
}

func (s *memStore) Patch(_ *http.Request, id string, ops []elimity.PatchOperation) (elimity.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	attrs, ok := s.items[id]
	if !ok {
		return elimity.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	s.patches++
	for _, op := range ops {
		if err := applyOp(attrs, op); err != nil {
			return elimity.Resource{}, err
		}
	}
	return s.resource(id), nil
}

// applyOp applies one RFC 7644 operation: a path, a sub-attribute, an
// extension URN prefix, or a value filter on a multi-valued attribute.
func applyOp(attrs elimity.ResourceAttributes, op elimity.PatchOperation) error {
	if op.Path == nil {
		for k, v := range op.Value.(map[string]any) {
			attrs[k] = v
		}
		return nil
	}
	ap := op.Path.AttributePath
	target := map[string]any(attrs)
	if ap.URIPrefix != nil {
		ext, _ := attrs[*ap.URIPrefix].(map[string]any)
		if ext == nil {
			ext = map[string]any{}
			attrs[*ap.URIPrefix] = ext
		}
		target = ext
	}
	name, sub := ap.AttributeName, ap.SubAttribute
	if op.Path.ValueExpression != nil {
		// members[value eq "x"]: only removal is used by clients here.
		if op.Op != elimity.PatchOperationRemove {
			return scimerrors.ScimErrorBadRequest("value filters are only supported on remove")
		}
		expr := op.Path.String()
		want := strings.Trim(expr[strings.LastIndex(expr, " ")+1:strings.LastIndex(expr, "]")], `"`)
		list, _ := target[name].([]any)
		keep := []any{}
		for _, m := range list {
			if mv, _ := m.(map[string]any); mv["value"] != want {
				keep = append(keep, m)
			}
		}
		target[name] = keep
		return nil
	}
	switch op.Op {
	case elimity.PatchOperationRemove:
		if sub != nil {
			if m, ok := target[name].(map[string]any); ok {
				delete(m, *sub)
			}
			return nil
		}
		delete(target, name)
	case elimity.PatchOperationAdd:
		if list, ok := target[name].([]any); ok && sub == nil {
			if more, ok := op.Value.([]any); ok {
				target[name] = append(list, more...)
				return nil
			}
		}
		fallthrough
	default:
		if sub != nil {
			m, _ := target[name].(map[string]any)
			if m == nil {
				m = map[string]any{}
				target[name] = m
			}
			m[*sub] = op.Value
			return nil
		}
		target[name] = op.Value
	}
	return nil
}

// scimApp is a third-party SCIM 2.0 server behind httptest, with a bearer
// token check in front.
type scimApp struct {
	users, groups *memStore
	url           string
}

const targetTestToken = "target-secret-token"

func startSCIMApp(t *testing.T, patch, filter bool) *scimApp {
	t.Helper()
	app := &scimApp{users: newMemStore("u"), groups: newMemStore("g")}
	srv, err := elimity.NewServer(&elimity.ServerArgs{
		ServiceProviderConfig: &elimity.ServiceProviderConfig{SupportPatch: patch, SupportFiltering: filter, MaxResults: 4},
		ResourceTypes: []elimity.ResourceType{
			{ID: optional.NewString("User"), Name: "User", Endpoint: "/Users", Schema: schema.CoreUserSchema(),
				SchemaExtensions: []elimity.SchemaExtension{{Schema: schema.ExtensionEnterpriseUser()}}, Handler: app.users},
			{ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups", Schema: schema.CoreGroupSchema(), Handler: app.groups},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+targetTestToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	app.url = hs.URL + "/v2/"
	return app
}

func (a *scimApp) user(t *testing.T, userName string) elimity.ResourceAttributes {
	t.Helper()
	a.users.mu.Lock()
	defer a.users.mu.Unlock()
	for _, u := range a.users.items {
		if u["userName"] == userName {
			return u
		}
	}
	t.Fatalf("the app has no user %q", userName)
	return nil
}

// groupMembers returns the userNames in the group named name.
func (a *scimApp) groupMembers(t *testing.T, name string) []string {
	t.Helper()
	a.groups.mu.Lock()
	var ids []string
	for _, g := range a.groups.items {
		if g["displayName"] == name {
			list, _ := g["members"].([]any)
			for _, m := range list {
				ids = append(ids, m.(map[string]any)["value"].(string))
			}
		}
	}
	a.groups.mu.Unlock()
	a.users.mu.Lock()
	defer a.users.mu.Unlock()
	var names []string
	for _, id := range ids {
		names = append(names, a.users.items[id]["userName"].(string))
	}
	sort.Strings(names)
	return names
}

// TestGenericSCIMTarget provisions a SCIM 2.0 app served by a library we did
// not write: a full first sync, an update, a deactivation and a group
// membership change, each followed by a dry run that plans nothing. It runs
// once against a server that advertises PATCH and filters and once against
// one that offers neither (full PUT, local lookups).
func TestGenericSCIMTarget(t *testing.T) {
	for _, tt := range []struct {
		name          string
		patch, filter bool
	}{
		{"patch and filters", true, true},
		{"PUT only, no filters", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			testGenericSCIMTarget(t, tt.patch, tt.filter)
		})
	}
}

func testGenericSCIMTarget(t *testing.T, patch, filter bool) {
	app := startSCIMApp(t, patch, filter)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg.yaml")
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("cfg.yaml", "target:\n  type: scim\n  base_url: "+app.url+"\nsource:\n  type: file\n  file:\n    path: people.json\nstate_dir: state\n")
	var people []dirUser
	for i := range 6 {
		mail := fmt.Sprintf("person%d@example.com", i)
		people = append(people, dirUser{ID: fmt.Sprintf("p%d", i), UserPrincipalName: mail, Mail: mail, GivenName: "Person",
			Surname: fmt.Sprint(i), DisplayName: fmt.Sprintf("Person %d", i), JobTitle: "Engineer", Department: "R&D", AccountEnabled: true})
	}
	members := []string{"p0", "p1", "p2"}
	directory := func() {
		t.Helper()
		data, err := json.Marshal(map[string]any{"users": people,
			"groups": []map[string]any{{"id": "g1", "displayName": "Engineering", "members": members}}})
		if err != nil {
			t.Fatal(err)
		}
		write("people.json", string(data))
	}
	run := func(args ...string) (int, string) {
		ios, _, out, errOut := TestStreams()
		f := NewFactory()
		f.IO = ios
		f.Getenv = func(k string) string {
			if k == EnvTargetToken {
				return targetTestToken
			}
			return ""
		}
		code := Run(t.Context(), f, append([]string{"slackprov", "--config", cfg}, args...))
		return code, out.String() + errOut.String()
	}
	syncAndSettle := func(step string) {
		t.Helper()
		if code, out := run("sync", "--yes"); code != ExitOK {
			t.Fatalf("%s: sync exit %d: %s", step, code, out)
		}
		if code, out := run("sync", "--dry-run", "--detailed-exitcode"); code != ExitOK {
			t.Fatalf("%s: the next dry run plans changes (exit %d): %s", step, code, out)
		}
	}

	directory()
	if code, out := run("test-connection"); code != ExitOK || !strings.Contains(out, "SCIM 2.0 at "+app.url) {
		t.Fatalf("test-connection exit %d: %s", code, out)
	}
	syncAndSettle("first sync")
	if n := len(app.users.items); n != 6 {
		t.Fatalf("the app has %d users, want 6", n)
	}
	u := app.user(t, "person3")
	if u["title"] != "Engineer" || u["active"] != true {
		t.Errorf("created user = %v", u)
	}
	if got := app.groupMembers(t, "Engineering"); !slices.Equal(got, []string{"person0", "person1", "person2"}) {
		t.Errorf("group members = %v", got)
	}

	people[3].JobTitle = "Director"
	directory()
	syncAndSettle("update")
	if got := app.user(t, "person3")["title"]; got != "Director" {
		t.Errorf("title after update = %v", got)
	}

	people[4].AccountEnabled = false
	directory()
	syncAndSettle("deactivation")
	if got := app.user(t, "person4")["active"]; got != false {
		t.Errorf("active after deactivation = %v", got)
	}
	if app.users.deletes != 0 || len(app.users.items) != 6 {
		t.Errorf("deactivation deleted accounts: %d deletes, %d users left", app.users.deletes, len(app.users.items))
	}

	members = []string{"p1", "p2", "p5"}
	directory()
	syncAndSettle("membership change")
	if got := app.groupMembers(t, "Engineering"); !slices.Equal(got, []string{"person1", "person2", "person5"}) {
		t.Errorf("group members after change = %v", got)
	}
	if patch && (app.users.patches == 0 || app.groups.patches == 0) {
		t.Errorf("the server offers PATCH, yet updates went another way (%d user, %d group PATCHes)", app.users.patches, app.groups.patches)
	}
	if !patch && (app.users.patches != 0 || app.groups.patches != 0) {
		t.Errorf("the server offers no PATCH, yet %d user and %d group PATCHes were sent", app.users.patches, app.groups.patches)
	}
}

// The SCIM target's token kept by `authorize --target --token-stdin` in the
// real OS keychain is found by test-connection, and logout removes it.
func TestTargetTokenInKeychain(t *testing.T) {
	if os.Getenv("SLACKPROV_TEST_KEYRING") != "1" {
		t.Skip("set SLACKPROV_TEST_KEYRING=1 and run under dbus-run-session with gnome-keyring unlocked to test the real OS keychain")
	}
	t.Setenv(EnvTargetToken, "")
	app := startSCIMApp(t, true, true)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg.yaml")
	profile := fmt.Sprintf("target-%d", os.Getpid())
	body := "profiles:\n  " + profile + ":\n    target:\n      type: scim\n      base_url: " + app.url +
		"\n    source:\n      type: file\n      file:\n        path: people.json\n    state_dir: state\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "people.json"), []byte(`{"users":[{"id":"p1","userPrincipalName":"a@example.com","mail":"a@example.com","givenName":"A","accountEnabled":true}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(stdin string, args ...string) (int, string) {
		ios, in, out, errOut := TestStreams()
		in.WriteString(stdin)
		f := NewFactory()
		f.IO = ios
		code := Run(t.Context(), f, append([]string{"slackprov", "--config", cfg, "--profile", profile}, args...))
		return code, out.String() + errOut.String()
	}
	if code, out := run("", "test-connection"); code != ExitAuth {
		t.Fatalf("test-connection without a token: exit %d, want 4: %s", code, out)
	}
	if code, out := run(targetTestToken+"\n", "authorize", "--target", "--token-stdin"); code != ExitOK || strings.Contains(out, targetTestToken) {
		t.Fatalf("authorize --target --token-stdin: exit %d: %s", code, out)
	}
	if code, out := run("", "test-connection"); code != ExitOK || !strings.Contains(out, "slackprov-target") {
		t.Fatalf("test-connection with the stored token: exit %d: %s", code, out)
	}
	if code, out := run("", "logout"); code != ExitOK || !strings.Contains(out, "Removed the SCIM target token") {
		t.Fatalf("logout: exit %d: %s", code, out)
	}
	if code, _ := run("", "test-connection"); code != ExitAuth {
		t.Fatalf("test-connection after logout: exit %d, want 4", code)
	}
}
