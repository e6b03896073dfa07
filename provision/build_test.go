package provision

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
)

func defaults(t testing.TB) *mapping.Compiled {
	t.Helper()
	c, err := mapping.Default().Compile()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// compileMapping parses and compiles a mapping file's YAML.
func compileMapping(t *testing.T, yaml string) *mapping.Compiled {
	t.Helper()
	m, err := mapping.Parse("map.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	c, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func person(id, first, last string) directory.User {
	upn := strings.ToLower(first + "." + last + "@example.com")
	return directory.User{ID: id, UserPrincipalName: upn, Mail: upn, GivenName: first, Surname: last,
		DisplayName: first + " " + last, JobTitle: "Engineer", AccountEnabled: true}
}

func slackUser(id, userName, email, externalID string, active bool) *scim.User {
	return &scim.User{ID: id, UserName: userName, ExternalID: externalID, Active: &active,
		Emails: []scim.MultiValue{{Value: email, Primary: true}}}
}

// synced returns the Slack user an earlier sync would have left for u.
func synced(id string, u directory.User) *scim.User {
	s := slackUser(id, strings.Split(u.UserPrincipalName, "@")[0], u.Mail, u.ID, u.AccountEnabled)
	s.Name = &scim.Name{GivenName: u.GivenName, FamilyName: u.Surname}
	s.DisplayName = u.DisplayName
	s.Title = u.JobTitle
	return s
}

func build(t *testing.T, in Input) *Plan {
	t.Helper()
	if in.Mapping == nil {
		in.Mapping = defaults(t)
	}
	if in.MaxDeactivations == 0 {
		in.MaxDeactivations = 50
	}
	in.Now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	return Build(in)
}

func opsOf(p *Plan) map[string]Operation {
	out := map[string]Operation{}
	for _, op := range p.Operations {
		out[string(op.Kind)+":"+op.SourceID] = op
	}
	return out
}

func TestBuildUsers(t *testing.T) {
	alice := person("a1", "Alice", "Smith")
	bob := person("b2", "Bob", "Jones")
	carol := person("c3", "Carol", "White")
	dave := person("d4", "Dave", "Brown")
	dave.AccountEnabled = false

	tests := []struct {
		name      string
		dir       []directory.User
		slack     []*scim.User
		links     map[string]string
		wantOps   map[string]Action // kind:source → action (planned)
		wantFail  map[string]string // kind:source → error code
		unmanaged int
		unchanged int
	}{
		{
			name:    "new users are created",
			dir:     []directory.User{alice, bob},
			wantOps: map[string]Action{"user:a1": ActionCreate, "user:b2": ActionCreate},
		},
		{
			name:      "matched by email and in sync: nothing to do",
			dir:       []directory.User{alice},
			slack:     []*scim.User{synced("U1", alice)},
			unchanged: 1,
		},
		{
			name: "title change is an update",
			dir: []directory.User{func() directory.User {
				a := alice
				a.JobTitle = "Staff Engineer"
				return a
			}()},
			slack:   []*scim.User{synced("U1", alice)},
			wantOps: map[string]Action{"user:a1": ActionUpdate},
		},
		{
			name:    "returning employee is reactivated, not duplicated",
			dir:     []directory.User{alice},
			slack:   []*scim.User{func() *scim.User { u := synced("U1", alice); f := false; u.Active = &f; u.ExternalID = ""; return u }()},
			wantOps: map[string]Action{"user:a1": ActionReactivate},
		},
		{
			name:    "disabled in the directory deactivates",
			dir:     []directory.User{func() directory.User { a := alice; a.AccountEnabled = false; return a }()},
			slack:   []*scim.User{synced("U1", alice)},
			links:   map[string]string{"a1": "U1"},
			wantOps: map[string]Action{"user:a1": ActionDeactivate},
		},
		{
			name: "disabled and never provisioned: nothing",
			dir:  []directory.User{dave},
		},
		{
			name:    "linked user removed from the directory is deactivated",
			dir:     []directory.User{alice},
			slack:   []*scim.User{synced("U1", alice), synced("U2", bob)},
			links:   map[string]string{"a1": "U1", "b2": "U2"},
			wantOps: map[string]Action{"user:b2": ActionDeactivate}, unchanged: 1,
		},
		{
			name:      "Slack-only account is reported, never touched",
			dir:       []directory.User{alice},
			slack:     []*scim.User{synced("U1", alice), slackUser("U9", "helpdesk", "helpdesk@example.com", "", true)},
			unchanged: 1, unmanaged: 1,
		},
		{
			name:     "email of an account linked to someone else is a conflict",
			dir:      []directory.User{alice, func() directory.User { c := carol; c.Mail = alice.Mail; return c }()},
			slack:    []*scim.User{synced("U1", alice)},
			links:    map[string]string{"a1": "U1"},
			wantFail: map[string]string{"user:c3": "conflict"}, unchanged: 1,
		},
		{
			name:     "two directory users with one email: the second fails",
			dir:      []directory.User{alice, func() directory.User { b := bob; b.Mail = alice.Mail; return b }()},
			wantOps:  map[string]Action{"user:a1": ActionCreate},
			wantFail: map[string]string{"user:b2": "duplicate_email"},
		},
		{
			name:     "email matches an account whatever its case",
			dir:      []directory.User{alice},
			slack:    []*scim.User{slackUser("U1", "someone.else", strings.ToUpper(alice.Mail), "", true)},
			wantOps:  map[string]Action{"user:a1": ActionUpdate},
			wantFail: map[string]string{},
		},
		{
			name:    "userName over 21 characters is shortened by the built-in mapping",
			dir:     []directory.User{alice, person("l5", "Maximiliana", "Vandermeulenbroek")},
			wantOps: map[string]Action{"user:a1": ActionCreate, "user:l5": ActionCreate},
		},
		{
			name:     "user without email fails alone",
			dir:      []directory.User{alice, func() directory.User { b := bob; b.Mail = ""; return b }()},
			wantOps:  map[string]Action{"user:a1": ActionCreate},
			wantFail: map[string]string{"user:b2": "email_empty"},
		},
		{
			name: "matched by externalId when the link was lost",
			dir:  []directory.User{func() directory.User { a := alice; a.JobTitle = "CTO"; return a }()},
			slack: []*scim.User{func() *scim.User {
				u := synced("U1", alice)
				u.Emails[0].Value = "old@example.com"
				return u
			}()},
			wantOps: map[string]Action{"user:a1": ActionUpdate},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := build(t, Input{Snapshot: &directory.Snapshot{Users: tt.dir}, SlackUsers: tt.slack, UserLinks: tt.links})
			ops := opsOf(p)
			planned := 0
			for key, op := range ops {
				if op.Status == StatusPlanned {
					planned++
					if want, ok := tt.wantOps[key]; !ok || want != op.Action {
						t.Errorf("%s: planned %s, want %v", key, op.Action, tt.wantOps[key])
					}
				}
				if op.Status == StatusFailed && tt.wantFail[key] != op.ErrorCode {
					t.Errorf("%s: failed with %s (%s), want %q", key, op.ErrorCode, op.Error, tt.wantFail[key])
				}
			}
			if planned != len(tt.wantOps) {
				t.Errorf("planned %d operations, want %d: %+v", planned, len(tt.wantOps), p.Operations)
			}
			for key := range tt.wantFail {
				if ops[key].Status != StatusFailed {
					t.Errorf("%s: want a failure, got %+v", key, ops[key])
				}
			}
			if len(p.Unmanaged) != tt.unmanaged {
				t.Errorf("unmanaged = %d, want %d", len(p.Unmanaged), tt.unmanaged)
			}
			if p.Users.Unchanged != tt.unchanged {
				t.Errorf("unchanged = %d, want %d", p.Users.Unchanged, tt.unchanged)
			}
		})
	}
}

func TestBuildUpdateDiff(t *testing.T) {
	alice := person("a1", "Alice", "Smith")
	changed := alice
	changed.JobTitle = "Staff Engineer"
	changed.DisplayName = "Ally" // on create only: never diffed
	p := build(t, Input{Snapshot: &directory.Snapshot{Users: []directory.User{changed}}, SlackUsers: []*scim.User{synced("U1", alice)}})
	if len(p.Operations) != 1 {
		t.Fatalf("ops = %+v", p.Operations)
	}
	got := p.Operations[0].Changes
	if len(got) != 1 || got[0] != (Change{Attribute: "title", Old: "Engineer", New: "Staff Engineer"}) {
		t.Errorf("changes = %+v", got)
	}
}

func TestBuildSafety(t *testing.T) {
	var dir []directory.User
	var slack []*scim.User
	links := map[string]string{}
	for i := 0; i < 10; i++ {
		u := person(string(rune('a'+i))+"id", "User", string(rune('A'+i))+"x")
		dir = append(dir, u)
		id := "U" + string(rune('A'+i))
		slack = append(slack, synced(id, u))
		links[u.ID] = id
	}
	t.Run("over the threshold", func(t *testing.T) {
		p := build(t, Input{Snapshot: &directory.Snapshot{Users: dir[:6]}, SlackUsers: slack, UserLinks: links, MaxDeactivations: 3})
		if p.Users.Deactivate != 4 || !strings.Contains(p.Refused, "deactivates 4 users") {
			t.Errorf("deactivate=%d refused=%q", p.Users.Deactivate, p.Refused)
		}
	})
	t.Run("at the threshold", func(t *testing.T) {
		p := build(t, Input{Snapshot: &directory.Snapshot{Users: dir[:6]}, SlackUsers: slack, UserLinks: links, MaxDeactivations: 4})
		if p.Refused != "" {
			t.Errorf("refused %q", p.Refused)
		}
	})
	t.Run("empty source", func(t *testing.T) {
		p := build(t, Input{Snapshot: &directory.Snapshot{}, SlackUsers: slack, UserLinks: links, MaxDeactivations: 1000})
		if !strings.Contains(p.Refused, "no users") {
			t.Errorf("refused %q", p.Refused)
		}
	})
	t.Run("a record without a readable id holds every absence", func(t *testing.T) {
		snap := &directory.Snapshot{Users: dir[2:], Problems: []directory.RecordError{{File: "d.json", Line: 3, Kind: "user"}}}
		p := build(t, Input{Snapshot: snap, SlackUsers: slack, UserLinks: links})
		if p.Users.Deactivate != 0 || p.Users.Failed != 3 {
			t.Errorf("deactivate=%d failed=%d", p.Users.Deactivate, p.Users.Failed)
		}
	})
	t.Run("unreadable record is not absent", func(t *testing.T) {
		snap := &directory.Snapshot{Users: dir[1:], Problems: []directory.RecordError{{File: "d.json", Line: 3, ID: dir[0].ID, Kind: "user"}}}
		p := build(t, Input{Snapshot: snap, SlackUsers: slack, UserLinks: links})
		if p.Users.Deactivate != 0 || p.Users.Failed != 1 {
			t.Errorf("deactivate=%d failed=%d", p.Users.Deactivate, p.Users.Failed)
		}
	})
}

func TestBuildManagersAndOrder(t *testing.T) {
	boss := person("m1", "Mia", "Boss")
	report := person("r1", "Rui", "Report")
	report.Manager = "m1"
	old := person("o1", "Olga", "Old")
	p := build(t, Input{
		Snapshot:   &directory.Snapshot{Users: []directory.User{report, boss}},
		SlackUsers: []*scim.User{synced("U9", old)}, UserLinks: map[string]string{"o1": "U9"},
	})
	var order []string
	for _, op := range p.Operations {
		order = append(order, string(op.Action)+":"+op.SourceID)
	}
	if got := strings.Join(order, " "); got != "create:m1 create:r1 deactivate:o1" {
		t.Fatalf("order = %s", got)
	}
	if op := p.Operations[1]; op.ManagerSourceID != "m1" || op.Level != 1 {
		t.Errorf("report: manager %q level %d", op.ManagerSourceID, op.Level)
	}
	// With the manager already in Slack the reference resolves at plan time.
	p = build(t, Input{
		Snapshot:   &directory.Snapshot{Users: []directory.User{report, boss}},
		SlackUsers: []*scim.User{synced("U1", boss)},
	})
	op := opsOf(p)["user:r1"]
	if op.Desired[schema.Manager] != "U1" || op.ManagerSourceID != "" {
		t.Errorf("desired manager %q pending %q", op.Desired[schema.Manager], op.ManagerSourceID)
	}
}

// A user whose only change is the manager waits until every user is
// matched; the update then carries every mapped value, as any update does,
// whether the mapping can evaluate them again (the common case) or, being
// volatile, has them kept.
func TestBuildManagerOnlyChange(t *testing.T) {
	volatile := mapping.Default()
	volatile.Users = append(volatile.Users, mapping.Attribute{Target: schema.NickName, Type: mapping.TypeExpression, Expression: `Coalesce(Left(Guid(), 0), "owl")`})
	withGuid, err := volatile.Compile()
	if err != nil || len(withGuid.Volatile()) != 1 {
		t.Fatalf("compiling a volatile mapping: %v, volatile %v", err, withGuid.Volatile())
	}
	for _, tc := range []struct {
		name    string
		mapping *mapping.Compiled
	}{
		{"values evaluated again", defaults(t)},
		{"volatile mapping keeps them", withGuid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, boss, same := person("m1", "Mia", "Old"), person("m2", "Max", "New"), person("s1", "Sam", "Same")
			report := person("r1", "Rui", "Report")
			report.Manager, same.Manager = "m2", "m1"
			slack := []*scim.User{synced("U1", old), synced("U2", boss), synced("U3", report), synced("U4", same)}
			slack[2].Enterprise = &scim.Enterprise{Manager: &scim.Manager{ManagerID: "U1"}}
			slack[3].Enterprise = &scim.Enterprise{Manager: &scim.Manager{ManagerID: "U1"}}
			for _, u := range slack {
				u.NickName = "owl"
			}
			p := build(t, Input{Snapshot: &directory.Snapshot{Users: []directory.User{old, boss, report, same}}, SlackUsers: slack,
				UserLinks: map[string]string{"m1": "U1", "m2": "U2", "r1": "U3", "s1": "U4"}, Mapping: tc.mapping})
			if len(p.Operations) != 1 || p.Users.Unchanged != 3 {
				t.Fatalf("operations %+v, unchanged %d; want only r1's update", p.Operations, p.Users.Unchanged)
			}
			op := p.Operations[0]
			if op.Action != ActionUpdate || op.SourceID != "r1" || op.TargetID != "U3" || op.MatchedBy != "link" || op.UserName != "rui.report" {
				t.Errorf("operation %+v", op)
			}
			if want := []Change{{Attribute: schema.Manager, Old: "U1", New: "U2"}}; !reflect.DeepEqual(op.Changes, want) {
				t.Errorf("changes %+v, want %+v", op.Changes, want)
			}
			want := tc.mapping.EvalUser(&report, false).Values
			want[schema.Manager] = "U2"
			if tc.mapping == withGuid && want[schema.NickName] != "owl" {
				t.Fatalf("the volatile mapping gives nickName %q", want[schema.NickName])
			}
			if !reflect.DeepEqual(op.Desired, want) {
				t.Errorf("desired %v, want %v", op.Desired, want)
			}
		})
	}
}

func TestBuildGroups(t *testing.T) {
	alice := person("a1", "Alice", "Smith")
	bob := person("b2", "Bob", "Jones")
	carol := person("c3", "Carol", "White")
	slack := []*scim.User{synced("U1", alice), synced("U3", carol)}
	carol.AccountEnabled = false
	// A member listed twice is added once.
	eng := directory.Group{ID: "g1", DisplayName: "Engineering", Members: []string{"b2", "a1", "b2", "c3", "ghost", "a1"}}
	p := build(t, Input{
		Snapshot:   &directory.Snapshot{Users: []directory.User{alice, bob, carol}, Groups: []directory.Group{eng}},
		SlackUsers: slack, UserLinks: map[string]string{"a1": "U1", "c3": "U3"},
		SlackGroups: []*scim.Group{
			{ID: "S1", DisplayName: "engineering", Members: []scim.Ref{{Value: "U1"}, {Value: "U3"}, {Value: "U77"}}},
			{ID: "S2", DisplayName: "Gone", Members: []scim.Ref{}},
		},
		GroupLinks: map[string]string{"g9": "S2"},
	})
	ops := opsOf(p)
	g := ops["group:g1"]
	if g.Action != ActionUpdate || g.TargetID != "S1" || g.MatchedBy != "displayName" {
		t.Fatalf("group op = %+v", g)
	}
	if strings.Join(g.AddMembers, ",") != "b2" || strings.Join(g.RemoveMembers, ",") != "U3,U77" {
		t.Errorf("add %v remove %v", g.AddMembers, g.RemoveMembers)
	}
	if d := ops["group:g9"]; d.Action != ActionDelete || d.TargetID != "S2" {
		t.Errorf("delete op = %+v", d)
	}
	if last := p.Operations[len(p.Operations)-1]; last.Action != ActionDeactivate || last.SourceID != "c3" {
		t.Errorf("deactivations must come last, got %+v", last)
	}
}

func TestBuildScopeAndRedact(t *testing.T) {
	c := compileMapping(t, `version: 1
users:
  - target: userName
    expression: SlackUserName([userPrincipalName])
    match: 2
  - target: emails[type eq "work"].value
    source: mail
    match: 1
  - target: active
    expression: Switch([IsSoftDeleted], , "False", "True", "True", "False")
  - target: name.givenName
    source: givenName
  - target: title
    expression: Redact([jobTitle])
scope:
  users:
    - name: Sales only
      clauses:
        - attribute: department
          operator: EQUALS
          value: Sales
`)
	seller := person("s1", "Sam", "Seller")
	seller.Department = "Sales"
	seller.JobTitle = "Account Executive"
	engineer := person("e1", "Eve", "Engineer")
	engineer.Department = "Engineering"
	leaver := person("l1", "Leo", "Leaver")
	leaver.Department = "Engineering"
	p := build(t, Input{
		Snapshot:   &directory.Snapshot{Users: []directory.User{seller, engineer, leaver}},
		SlackUsers: []*scim.User{synced("U1", leaver)}, UserLinks: map[string]string{"l1": "U1"},
		Mapping: c,
	})
	ops := opsOf(p)
	if len(ops) != 2 || ops["user:s1"].Action != ActionCreate || ops["user:l1"].Action != ActionDeactivate {
		t.Fatalf("in scope: create s1; out of scope and linked: deactivate l1; never create e1. Got %+v", ops)
	}
	for _, c := range ops["user:s1"].Changes {
		if c.Attribute == "title" && c.New != "[Redact]" {
			t.Errorf("a Redact()ed value is in the plan's changes: %+v", c)
		}
	}
	if !slices.Contains(p.Redacted, "title") {
		t.Errorf("the plan does not list title as redacted: %v", p.Redacted)
	}
	if ops["user:s1"].Desired["title"] != "Account Executive" {
		t.Errorf("apply must still send the real value: %q", ops["user:s1"].Desired["title"])
	}
}

func TestBuildSelectUniqueValue(t *testing.T) {
	c := compileMapping(t, `version: 1
users:
  - target: userName
    expression: SelectUniqueValue(Left(SlackUserName([userPrincipalName]), 21), Append(Left(SlackUserName([userPrincipalName]), 19), "_2"), Append(Left(SlackUserName([userPrincipalName]), 19), "_3"))
    apply: on_create
  - target: emails[type eq "work"].value
    source: mail
    match: 1
  - target: name.givenName
    source: givenName
`)
	var dir []directory.User
	for i, upn := range []string{"christopher.alexander-long", "christopher.alexanderson", "christopher.alexander.jr"} {
		u := person(fmt.Sprintf("c%d", i), "Christopher", "X")
		u.UserPrincipalName, u.Mail = upn+"@example.com", upn+"@example.com"
		dir = append(dir, u)
	}
	// Someone else already has the first candidate.
	p := build(t, Input{Snapshot: &directory.Snapshot{Users: dir}, Mapping: c,
		SlackUsers: []*scim.User{slackUser("U9", "christopher.alexander", "other@example.com", "", false)}})
	ops := opsOf(p)
	if got := ops["user:c0"].Desired[schema.UserName]; got != "christopher.alexand_2" {
		t.Errorf("c0 userName = %q", got)
	}
	if got := ops["user:c1"].Desired[schema.UserName]; got != "christopher.alexand_3" {
		t.Errorf("c1 userName = %q", got)
	}
	if op := ops["user:c2"]; op.Status != StatusFailed || op.ErrorCode != "no_unique_value" || !strings.Contains(op.Error, "christopher.alexand_3") {
		t.Errorf("c2 should fail with every candidate named: %+v", op)
	}
}

func TestSelectUniqueValueRules(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"  - target: userName\n    expression: SelectUniqueValue([a], [b])\n", "apply: on_create"},
		{"  - target: title\n    expression: SelectUniqueValue([a], [b])\n    apply: on_create\n", "only userName and the work email"},
		{"  - target: userName\n    expression: Left(SelectUniqueValue([a], [b]), 3)\n    apply: on_create\n", "must be the whole expression"},
	} {
		_, err := mapping.Parse("m.yaml", []byte("version: 1\nusers:\n  - target: emails[type eq \"work\"].value\n    source: mail\n    match: 1\n"+tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.yaml, err, tc.want)
		}
	}
}

func TestMatchKey(t *testing.T) {
	tests := []struct {
		attr, value string
		want        nameKey
		ok          bool
	}{
		{schema.UserName, "Alice.Smith", nameKey{0, "alice.smith"}, true},
		{schema.WorkEmail, "Alice@Example.COM", nameKey{1, "alice@example.com"}, true},
		{schema.WorkEmail, "", nameKey{}, false},
		{"displayName", "Alice Smith", nameKey{}, false},
	}
	for _, tt := range tests {
		got, ok := matchKey(tt.attr, tt.value)
		if got != tt.want || ok != tt.ok {
			t.Errorf("matchKey(%q, %q) = %v, %v; want %v, %v", tt.attr, tt.value, got, ok, tt.want, tt.ok)
		}
	}
	// A userName and an email with one spelling are different keys.
	u, _ := matchKey(schema.UserName, "x@example.com")
	e, _ := matchKey(schema.WorkEmail, "x@example.com")
	if u == e {
		t.Errorf("userName and email keys collide: %v", u)
	}
}

// TestBuildMatchesByExternalID: a directory user without a usable link is
// found by the externalId an earlier sync (or another tool) set.
func TestBuildMatchesByExternalID(t *testing.T) {
	alice := person("a1", "Alice", "Smith")
	promoted := alice
	promoted.JobTitle = "CTO" // so the match shows as an update
	account := func(id, email, externalID string) *scim.User {
		u := synced(id, alice)
		u.Emails[0].Value, u.ExternalID = email, externalID
		return u
	}
	tests := []struct {
		name       string
		slack      []*scim.User
		links      map[string]string
		problems   []directory.RecordError
		wantTarget string
		wantHow    string
		wantLink   bool
	}{
		{"of two accounts with one externalId, the later", []*scim.User{account("U1", "x1@example.com", "a1"), account("U2", "x2@example.com", "a1")},
			nil, nil, "U2", "externalId", true},
		{"a link wins over an externalId", []*scim.User{account("U1", "x1@example.com", ""), account("U2", "x2@example.com", "a1")},
			map[string]string{"a1": "U1"}, nil, "U1", "link", false},
		{"a link to an account Slack no longer lists falls back to the externalId", []*scim.User{account("U2", "x2@example.com", "a1")},
			map[string]string{"a1": "U9"}, nil, "U2", "externalId", true},
		// As many links as users, but one is an unreadable record's.
		{"a linked unreadable record does not hide an unlinked user", []*scim.User{account("U3", "x3@example.com", "c3"), account("U2", "x2@example.com", "a1")},
			map[string]string{"c3": "U3"}, []directory.RecordError{{ID: "c3", Kind: "user", Err: errors.New("no mail")}}, "U2", "externalId", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := build(t, Input{Snapshot: &directory.Snapshot{Users: []directory.User{promoted}, Problems: tt.problems}, SlackUsers: tt.slack, UserLinks: tt.links})
			op := opsOf(p)["user:a1"]
			if op.Action != ActionUpdate || op.TargetID != tt.wantTarget || op.MatchedBy != tt.wantHow {
				t.Fatalf("a1: %s of %q matched by %q; want update of %q by %q", op.Action, op.TargetID, op.MatchedBy, tt.wantTarget, tt.wantHow)
			}
			linked := slices.ContainsFunc(p.Links, func(l Link) bool { return l.SourceID == "a1" && l.TargetID == tt.wantTarget })
			if linked != tt.wantLink {
				t.Fatalf("link a1 → %s planned: %v, want %v (links %+v)", tt.wantTarget, linked, tt.wantLink, p.Links)
			}
		})
	}
}
