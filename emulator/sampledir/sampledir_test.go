package sampledir

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

type sampleDir struct {
	Users  []sampleUser  `json:"users"`
	Groups []sampleGroup `json:"groups"`
}

func decodeSample(t *testing.T, data []byte) sampleDir {
	t.Helper()
	if !json.Valid(data) {
		t.Fatal("sample directory is not valid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d sampleDir
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("sample directory does not have the file source's shape: %v", err)
	}
	return d
}

func TestSampleDirectoryIsDeterministic(t *testing.T) {
	opts := Options{Users: 300, Groups: 12, Seed: 42}
	a, b := JSON(opts), JSON(opts)
	if !bytes.Equal(a, b) {
		t.Error("two runs with the same options differ")
	}
	opts.Seed = 43
	if bytes.Equal(a, JSON(opts)) {
		t.Error("different seeds give the same directory")
	}
}

func TestSampleDirectoryCounts(t *testing.T) {
	tests := []struct{ users, groups, wantDept, wantProject int }{
		{0, 0, 0, 0},
		{1, 1, 0, 0},
		{2, 3, 2, 0},
		{50, 5, 3, 1},
		{500, 12, 8, 3},
		{200, 40, 11, 28},
	}
	for _, tt := range tests {
		d := decodeSample(t, JSON(Options{Users: tt.users, Groups: tt.groups, Seed: 7}))
		if len(d.Users) != tt.users || len(d.Groups) != tt.groups {
			t.Errorf("Users %d Groups %d: got %d users, %d groups", tt.users, tt.groups, len(d.Users), len(d.Groups))
			continue
		}
		var dept, project, empty int
		for _, g := range d.Groups {
			switch {
			case strings.Contains(g.DisplayName, "archived"):
				empty++
				if len(g.Members) != 0 {
					t.Errorf("archived group has %d members", len(g.Members))
				}
			case strings.HasPrefix(g.DisplayName, "Project "):
				project++
			default:
				dept++
			}
		}
		wantEmpty := min(tt.groups, 1)
		if dept != tt.wantDept || project != tt.wantProject || empty != wantEmpty {
			t.Errorf("Users %d Groups %d: %d department, %d project, %d empty groups; want %d, %d, %d",
				tt.users, tt.groups, dept, project, empty, tt.wantDept, tt.wantProject, wantEmpty)
		}
	}
}

func TestSampleDirectoryMessyCases(t *testing.T) {
	const n = 1000
	d := decodeSample(t, JSON(Options{Users: n, Groups: 15, Seed: 1, Domain: "Contoso.EXAMPLE"}))

	guid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	e164 := regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)
	upn := regexp.MustCompile(`^[a-z0-9.-]+@contoso\.example$`)

	index := map[string]int{}
	upns := map[string]bool{}
	mails := map[string]int{}
	var long, disabled, noMail, phones, atName, accented, apostrophe, noTitle, noDept, managed, shared int
	for i, u := range d.Users {
		if !guid.MatchString(u.ID) {
			t.Errorf("user %d id %q is not a GUID", i, u.ID)
		}
		if _, dup := index[u.ID]; dup {
			t.Errorf("user id %s repeats", u.ID)
		}
		index[u.ID] = i
		if !upn.MatchString(u.UserPrincipalName) {
			t.Errorf("userPrincipalName %q is not lowercase ASCII at the domain", u.UserPrincipalName)
		}
		if upns[u.UserPrincipalName] {
			t.Errorf("userPrincipalName %q repeats", u.UserPrincipalName)
		}
		upns[u.UserPrincipalName] = true
		local, _, _ := strings.Cut(u.UserPrincipalName, "@")
		if len(local) > 21 {
			long++
		}
		if !u.AccountEnabled {
			disabled++
		}
		if u.Mail == "" {
			noMail++
		} else {
			mails[strings.ToLower(u.Mail)]++
		}
		if u.MobilePhone != "" {
			phones++
			if !e164.MatchString(u.MobilePhone) {
				t.Errorf("mobilePhone %q is not E.164", u.MobilePhone)
			}
		}
		if strings.Contains(u.DisplayName, "@") {
			atName++
		}
		if strings.ContainsAny(u.GivenName+u.Surname, "éëüøłŁễ") {
			accented++
		}
		if strings.Contains(u.Surname, "'") {
			apostrophe++
		}
		if u.JobTitle == "" {
			noTitle++
		}
		if u.Department == "" {
			noDept++
		}
		if u.GivenName == "" && u.Surname == "" {
			shared++
		}
		if u.Manager != "" {
			j, ok := index[u.Manager]
			if !ok {
				t.Errorf("user %d's manager %s is not an earlier user", i, u.Manager)
			} else if j >= i {
				t.Errorf("user %d's manager is user %d", i, j)
			}
			managed++
		}
	}

	pairs := 0
	for mail, count := range mails {
		if count > 1 {
			pairs++
			if count != 2 {
				t.Errorf("mail %s is shared by %d users, want a pair", mail, count)
			}
		}
	}
	if pairs != 1 {
		t.Errorf("%d mail addresses are shared, want exactly 1", pairs)
	}

	between := func(name string, got, lo, hi int) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s: %d of %d users, want %d..%d", name, got, n, lo, hi)
		}
	}
	between("local part over 21 characters", long, 20, 40)
	between("disabled", disabled, 30, 30)
	between("without mail", noMail, 10, 10)
	between("with a mobile phone", phones, 620, 780)
	between(`displayName with "@"`, atName, 1, 1)
	between("shared mailbox without names", shared, 1, 1)
	between("names with diacritics", accented, 50, n)
	between("surnames with an apostrophe", apostrophe, 5, n)
	between("without jobTitle", noTitle, 20, 150)
	between("without department", noDept, 10, 100)
	between("with a manager", managed, 900, n-1)

	for _, g := range d.Groups {
		if !guid.MatchString(g.ID) {
			t.Errorf("group %q id %q is not a GUID", g.DisplayName, g.ID)
		}
		for _, m := range g.Members {
			if _, ok := index[m]; !ok {
				t.Errorf("group %q member %s is not a user", g.DisplayName, m)
			}
		}
	}
}

func TestSampleLocalPart(t *testing.T) {
	tests := map[string]string{
		"José": "jose", "Zoë": "zoe", "Łukasz": "lukasz", "Søren": "soren", "Nguyễn": "nguyen",
		"O'Brien": "obrien", "Anne-Marie": "anne-marie", "van der Berg": "vanderberg", "Weiß": "weiss",
		"Þóra": "thora", "Sigurðsson": "sigurdsson", "Yılmaz": "yilmaz", "Đặng": "dang", "Ó Súilleabháin": "osuilleabhain",
	}
	for in, want := range tests {
		if got := sampleLocalPart(in); got != want {
			t.Errorf("sampleLocalPart(%q) = %q, want %q", in, got, want)
		}
	}
}

// The 2% of long local parts is only controlled if ordinary names stay short
// and long names are always long.
func TestSampleNameLists(t *testing.T) {
	for _, c := range sampleCultures {
		for _, names := range [][]string{c.given, c.surnames} {
			for _, name := range names {
				if l := len(sampleLocalPart(name)); l > 10 {
					t.Errorf("regular name %q is %d characters as a local part, want at most 10", name, l)
				}
			}
		}
	}
	for _, name := range sampleLongGiven {
		if l := len(sampleLocalPart(name)); l < 10 {
			t.Errorf("long given name %q is only %d characters", name, l)
		}
	}
	for _, name := range sampleLongSurnames {
		if l := len(sampleLocalPart(name)); l < 12 {
			t.Errorf("long surname %q is only %d characters", name, l)
		}
	}
}
