package file

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/slackprov/slackprov/directory"
)

// vocabulary is what a file's users can be mapped from: the file format's
// own attributes (a file may leave any of them out), with Graph's aliases
// objectId and mobile, and the other columns or keys present.
func vocabulary(present map[string]bool) *directory.Vocabulary {
	v := &directory.Vocabulary{Groups: directory.GroupAttributeNames()}
	for _, f := range directory.Fields() {
		v.Users = append(v.Users, f.Name)
		if f.Alias != "" {
			v.Users = append(v.Users, f.Alias)
		}
	}
	for name, ok := range present {
		if _, core := directory.FieldNamed(name, false); ok && !core {
			v.Users = append(v.Users, name)
		}
	}
	sort.Strings(v.Users)
	return v
}

// Vocabulary reads the file for the attribute names its users carry.
func (s *Source) Vocabulary(ctx context.Context) (*directory.Vocabulary, error) {
	snap, err := s.Read(ctx)
	if err != nil {
		return nil, err
	}
	return snap.Vocabulary, nil
}

// parseBool reads accountEnabled written by people and spreadsheets.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	}
	if len(s) > 40 {
		return false, fmt.Errorf("accountEnabled: want true or false, got a %d-byte string", len(s))
	}
	return false, fmt.Errorf("accountEnabled: want true or false, got %q", s)
}

// problems collects a record's field errors into one message.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

// has reports whether a message starting with prefix was added.
func (p problems) has(prefix string) bool {
	for _, m := range p {
		if strings.HasPrefix(m, prefix) {
			return true
		}
	}
	return false
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(p, "; "))
}

// idLine is where a record with a readable id starts.
type idLine struct {
	id   string
	line int
}

// duplicates reports each repeat of an id. records lists every record with
// its id in file order, including records that failed for other reasons.
func duplicates(file, kind string, records []idLine) []directory.RecordError {
	first := map[string]int{}
	var out []directory.RecordError
	for _, r := range records {
		if r.id == "" {
			continue
		}
		if line, ok := first[r.id]; ok {
			out = append(out, directory.RecordError{File: file, Line: r.line, ID: r.id, Kind: kind,
				Err: fmt.Errorf("duplicate id, also on line %d; neither copy is used until one is removed", line)})
			continue
		}
		first[r.id] = r.line
	}
	return out
}

// withhold removes the users and groups named in snap.Problems.
func withhold(snap *directory.Snapshot) {
	bad := map[string]map[string]bool{"user": {}, "group": {}}
	for _, p := range snap.Problems {
		if p.ID != "" && bad[p.Kind] != nil {
			bad[p.Kind][p.ID] = true
		}
	}
	if len(bad["user"]) > 0 {
		users := snap.Users[:0]
		for _, u := range snap.Users {
			if !bad["user"][u.ID] {
				users = append(users, u)
			}
		}
		snap.Users = users
	}
	if len(bad["group"]) > 0 {
		groups := snap.Groups[:0]
		for _, g := range snap.Groups {
			if !bad["group"][g.ID] {
				groups = append(groups, g)
			}
		}
		snap.Groups = groups
	}
}
