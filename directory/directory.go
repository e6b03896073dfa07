// Package directory holds the sources slackprov reads people and groups from.
// Every source yields the same Snapshot, shaped like Microsoft Graph objects.
package directory

import (
	"context"
	"fmt"
)

// User is a directory user, with Graph's attribute names.
type User struct {
	ID                string            `json:"id"`
	UserPrincipalName string            `json:"userPrincipalName,omitempty"`
	Mail              string            `json:"mail,omitempty"`
	GivenName         string            `json:"givenName,omitempty"`
	Surname           string            `json:"surname,omitempty"`
	DisplayName       string            `json:"displayName,omitempty"`
	JobTitle          string            `json:"jobTitle,omitempty"`
	Department        string            `json:"department,omitempty"`
	MobilePhone       string            `json:"mobilePhone,omitempty"`
	EmployeeID        string            `json:"employeeId,omitempty"`
	AccountEnabled    bool              `json:"accountEnabled"`
	Manager           string            `json:"manager,omitempty"`
	Extra             map[string]string `json:"-"`
}

// Attr returns the named attribute's values; ok is false when it is null.
// A boolean reads as Entra's expressions spell it, True or False.
func (u *User) Attr(name string) (vals []string, ok bool) {
	if b, isBool := u.AttrBool(name); isBool {
		return []string{entraBool(b)}, true
	}
	v, _, ok := u.AttrString(name)
	if !ok {
		return nil, false
	}
	return []string{v}, true
}

// AttrBool returns a boolean attribute as a boolean: accountEnabled, and
// IsSoftDeleted, computed as Entra computes it for an assigned user.
// isBool is false for every other name.
func (u *User) AttrBool(name string) (value, isBool bool) {
	switch name {
	case userFields[FieldAccountEnabled].Name:
		return u.AccountEnabled, true
	case SoftDeleted:
		return !u.AccountEnabled, true
	}
	return false, false
}

// entraBool spells a boolean as Entra's expressions see it: "True" or "False".
func entraBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// Group is a directory group with the ids of its direct user members.
type Group struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	Members     []string `json:"members"`
}

// Attr returns the group's named attribute, for group mappings.
func (g *Group) Attr(name string) ([]string, bool) {
	switch name {
	case "id", "objectId":
		return []string{g.ID}, g.ID != ""
	case "displayName":
		return []string{g.DisplayName}, g.DisplayName != ""
	case "members":
		return g.Members, len(g.Members) > 0
	}
	return nil, false
}

// RecordError is one object the source could not read. The rest of the
// snapshot is still good; the engine must neither create nor deactivate the
// object it names.
type RecordError struct {
	File string
	Line int
	ID   string // the object's id when it could be read, else ""
	Kind string // "user" or "group"
	Err  error
}

func (e *RecordError) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.ID != "" {
		return fmt.Sprintf("%s: %s %s: %v", where, e.Kind, e.ID, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", where, e.Kind, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Snapshot is everything assigned in the directory at one moment, or, for
// an incremental read, everything that changed since the last committed one.
type Snapshot struct {
	Users    []User
	Groups   []Group
	Problems []RecordError

	// Delta is set on an incremental read: Users and Groups then hold only
	// the objects that changed, in their current state (a group with its full
	// current member list), and absence means "unchanged", not "gone".
	Delta *Delta
	// Commit records that this snapshot was applied, so the next read starts
	// after it (Graph delta links). Nil for sources without watermarks. Call
	// it only after a run applied the plan: never after a dry run, a refused
	// plan or an interrupted apply, or changes would be lost.
	Commit func(ctx context.Context) error
	// Notices are things the admin should read, e.g. "the delta link had
	// expired (410 syncStateNotFound): read everything again".
	Notices []string
	// Vocabulary is the attribute names the source's objects carry, when
	// the source knows them; nil otherwise.
	Vocabulary *Vocabulary
}

// Vocabulary is the attribute names a directory's objects can carry, so a
// mapping that reads another name — a typo that would silently send
// nothing — is refused with a suggestion.
type Vocabulary struct {
	Users, Groups []string
	// UserPrefixes accepts any user attribute that starts with one: Entra
	// directory extensions, when the tenant's could not be listed.
	UserPrefixes []string
	// Note says what the vocabulary could not cover, for test-connection.
	Note string
}

// VocabularySource is a source that can list its attribute names without a
// whole read.
type VocabularySource interface {
	Vocabulary(ctx context.Context) (*Vocabulary, error)
}

// GroupAttributeNames are the group attributes Group.Attr serves.
func GroupAttributeNames() []string { return []string{"id", "objectId", "displayName", "members"} }

// Delta lists what an incremental read saw leave.
type Delta struct {
	// RemovedUsers were deleted from the directory or lost their assignment.
	RemovedUsers []string
	// RemovedGroups were deleted or unassigned.
	RemovedGroups []string
}

// Source reads a Snapshot. A whole-source failure (unreadable file, bad
// credentials) is an error; a bad record is a Problem in the snapshot.
// Sources that read incrementally return a full snapshot (Delta nil) on their
// first read and whenever they must start over, and say why in Notices.
type Source interface {
	Read(ctx context.Context) (*Snapshot, error)
	// Describe names the source for messages, e.g. "file ./people.json".
	Describe() string
}
