package main

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestImportsGoOneWay keeps the layout's import rules (DESIGN.md): data flows
// one way, and only provision writes to Slack.
func TestImportsGoOneWay(t *testing.T) {
	const module = "github.com/slackprov/slackprov/"
	allowed := map[string][]string{
		".":                       {"commands"},
		"commands":                {"auth", "directory", "directory/entra", "directory/file", "emulator/entraid", "emulator/sampledir", "emulator/slackoauth", "emulator/slackscim", "mapping", "notify", "provision", "schema", "scim", "store", "tui", "views", "wire"},
		"tui":                     {"mapping", "provision", "views"},
		"views":                   {"mapping", "provision", "schema", "scim"},
		"provision":               {"directory", "mapping", "schema", "scim", "store"},
		"provision/provisiontest": {"directory", "mapping", "schema", "scim"},
		"directory/entra":         {"directory", "wire"},
		"directory/file":          {"directory"},
		"auth":                    {"wire"},
		"scim":                    {"schema", "wire"},
		"mapping":                 {"schema"},
		"e2e":                     nil,
		"directory":               nil, "schema": nil, "store": nil, "wire": nil, "wire/wiretest": nil,
		"notify": nil, "notify/notifytest": nil,
		// One package per service imitated; none depends on another or on ours.
		"emulator/entraid": nil, "emulator/sampledir": nil, "emulator/slackoauth": nil, "emulator/slackscim": nil,
	}
	// Every package must have a rule, so a new one gets its place on purpose.
	filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if name := d.Name(); name == "testdata" || (strings.HasPrefix(name, ".") && path != ".") {
			return filepath.SkipDir
		}
		if _, err := build.ImportDir(path, 0); err == nil {
			if _, ok := allowed[filepath.ToSlash(path)]; !ok {
				t.Errorf("package %s has no import rule here", path)
			}
		}
		return nil
	})
	for dir, ok := range allowed {
		pkg, err := build.ImportDir(filepath.FromSlash(dir), 0)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, imp := range pkg.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if rel := strings.TrimPrefix(imp, module); !slices.Contains(ok, rel) {
				t.Errorf("%s imports %s, which the layout does not allow", dir, rel)
			}
		}
	}
}
