package entra

import (
	"context"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name   string
		perms  []string
		appID  string
		secret string
		want   map[string]bool // check name -> OK
		fixes  string          // text one Fix must contain
	}{
		{name: "all good", want: map[string]bool{"Entra token": true, "Permission User.Read.All": true,
			"Permission GroupMember.Read.All": true, "Permission Application.Read.All": true, "Enterprise app": true, "Assignments": true}},
		{name: "missing GroupMember.Read.All", perms: []string{"User.Read.All", "Application.Read.All"},
			want: map[string]bool{"Permission GroupMember.Read.All": false, "Permission User.Read.All": true}, fixes: "GroupMember.Read.All"},
		{name: "Directory.Read.All covers all", perms: []string{"Directory.Read.All"},
			want: map[string]bool{"Permission GroupMember.Read.All": true, "Permission Application.Read.All": true}},
		{name: "missing Application.Read.All", perms: []string{"User.Read.All", "GroupMember.Read.All"},
			want: map[string]bool{"Permission Application.Read.All": false}, fixes: "Application.Read.All"},
		{name: "wrong app", appID: "00000000-1111-2222-3333-444444444444",
			want: map[string]bool{"Enterprise app": false}, fixes: "source.entra.app_id"},
		{name: "bad secret", secret: "wrong", want: map[string]bool{"Entra token": false}, fixes: "AZURE_CLIENT_SECRET"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			em := fixture()
			if tc.perms != nil {
				em.SetPermissions(tc.perms...)
			}
			e := newEnv(t, em)
			s := e.source(func(o *Options) {
				if tc.appID != "" {
					o.AppID = tc.appID
				}
				if tc.secret != "" {
					o.ClientSecret = tc.secret
				}
			})
			res := s.Check(context.Background())
			got := map[string]CheckResult{}
			for _, r := range res {
				got[r.Name] = r
			}
			for name, ok := range tc.want {
				r, found := got[name]
				if !found || r.OK != ok {
					t.Errorf("%s: got %+v (found %v), want OK=%v; all: %+v", name, r, found, ok, res)
				}
			}
			if tc.fixes != "" {
				hit := false
				for _, r := range res {
					hit = hit || (!r.OK && strings.Contains(r.Fix, tc.fixes))
				}
				if !hit {
					t.Errorf("no failed check's Fix mentions %q: %+v", tc.fixes, res)
				}
			}
			if a := got["Assignments"]; a.OK && !strings.Contains(a.Detail, "2 users and 1 groups") {
				t.Errorf("assignments detail = %q, want 2 users and 1 group", a.Detail)
			}
		})
	}
}
