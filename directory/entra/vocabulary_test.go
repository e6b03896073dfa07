package entra

import (
	"context"
	"slices"
	"testing"

	"github.com/slackprov/slackprov/emulator/entraid"
)

const costCenterExt = "extension_0a1b2c3d4e5f60718293a4b5c6d7e8f9_costCenter"

func TestVocabularyListsTheTenantsExtensions(t *testing.T) {
	em := fixture()
	em.SetPermissions("User.Read.All", "GroupMember.Read.All", "Application.Read.All", "Directory.Read.All")
	em.AddExtensionProperty(entraid.Extension{Name: costCenterExt, AppDisplayName: "HR sync", TargetObjects: []string{"User"}})
	em.AddExtensionProperty(entraid.Extension{Name: "extension_0a1b_groupTag", TargetObjects: []string{"Group"}})
	em.AddExtensionProperty(entraid.Extension{Name: "extension_0a1b_skills", TargetObjects: []string{"User"}, IsMultiValued: true})
	e := newEnv(t, em)
	s := e.source(nil)
	v, err := s.Vocabulary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{costCenterExt, "department", "extensionAttribute15", "telephoneNumber"} {
		if !slices.Contains(v.Users, want) {
			t.Errorf("vocabulary lacks %s", want)
		}
	}
	for _, not := range []string{"extension_0a1b_groupTag", "extension_0a1b_skills", "extensionAttribute16"} {
		if slices.Contains(v.Users, not) {
			t.Errorf("vocabulary has %s", not)
		}
	}
	if len(v.UserPrefixes) != 0 || v.Note != "" {
		t.Errorf("prefixes %v note %q, want none", v.UserPrefixes, v.Note)
	}

	// Cached: a new extension shows only after a refresh (test-connection).
	em.AddExtensionProperty(entraid.Extension{Name: "extension_0a1b_badge", TargetObjects: []string{"User"}})
	before := em.Stats().Requests["POST /directoryObjects/getAvailableExtensionProperties"]
	v, _ = s.Vocabulary(context.Background())
	if slices.Contains(v.Users, "extension_0a1b_badge") || em.Stats().Requests["POST /directoryObjects/getAvailableExtensionProperties"] != before {
		t.Error("the cached list was not used")
	}
	checks := s.Check(context.Background())
	i := slices.IndexFunc(checks, func(c CheckResult) bool { return c.Name == "Directory extensions" })
	if i < 0 || !checks[i].OK {
		t.Fatalf("no passing directory-extension check in %+v", checks)
	}
	v, _ = s.Vocabulary(context.Background())
	if !slices.Contains(v.Users, "extension_0a1b_badge") {
		t.Error("test-connection's check did not refresh the cache")
	}
}

func TestVocabularyWithoutDirectoryReadAcceptsExtensions(t *testing.T) {
	em := fixture()
	em.AddExtensionProperty(entraid.Extension{Name: costCenterExt, TargetObjects: []string{"User"}})
	e := newEnv(t, em)
	v, err := e.source(nil).Vocabulary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.UserPrefixes, []string{"extension_"}) || v.Note == "" || slices.Contains(v.Users, costCenterExt) {
		t.Errorf("prefixes %v note %q", v.UserPrefixes, v.Note)
	}
	// The refusal is kept, so that later runs (every watch cycle) do not
	// spend a Graph call on the same 403; test-connection asks again.
	before := e.em.Stats().Requests["POST /directoryObjects/getAvailableExtensionProperties"]
	if v, _ := e.source(nil).Vocabulary(context.Background()); v.Note == "" {
		t.Error("the kept refusal lost its note")
	}
	if after := e.em.Stats().Requests["POST /directoryObjects/getAvailableExtensionProperties"]; after != before {
		t.Errorf("the refusal was asked again: %d calls, then %d", before, after)
	}
	e.em.SetPermissions("User.Read.All", "GroupMember.Read.All", "Application.Read.All", permExtensions)
	s := e.source(nil)
	s.Check(context.Background())
	if v, _ := s.Vocabulary(context.Background()); !slices.Contains(v.Users, costCenterExt) {
		t.Error("after the permission was granted, test-connection's check did not refresh the cache")
	}
}
