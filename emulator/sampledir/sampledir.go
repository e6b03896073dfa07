// Package sampledir generates the sample company directory that `slackprov
// demo` and tests read through the file source (and, loaded into the entraid
// tenant, through Microsoft Graph). It is deliberately messy in the ways
// real directories are, so that mappings, Slack's constraints and the
// engine's safety checks all have something to bite on.
package sampledir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Options sizes the generated directory.
type Options struct {
	Users  int
	Groups int
	Seed   int64
	Domain string // default "example.com"
}

// sampleUser is a directory user in the file source's JSON shape. Fields a
// user lacks are omitted, as a hand-made export would.
type sampleUser struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	Mail              string `json:"mail,omitempty"`
	GivenName         string `json:"givenName,omitempty"`
	Surname           string `json:"surname,omitempty"`
	DisplayName       string `json:"displayName"`
	JobTitle          string `json:"jobTitle,omitempty"`
	Department        string `json:"department,omitempty"`
	MobilePhone       string `json:"mobilePhone,omitempty"`
	EmployeeID        string `json:"employeeId,omitempty"`
	AccountEnabled    bool   `json:"accountEnabled"`
	Manager           string `json:"manager,omitempty"`
	OfficeLocation    string `json:"officeLocation,omitempty"`
}

type sampleGroup struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	Members     []string `json:"members"`
}

// sampleCulture keeps names, phone numbers and offices plausible together.
type sampleCulture struct {
	given, surnames []string
	surnameFirst    bool   // displayName is often "Surname Given"
	phone           string // E.164 template: each 'N' is a random digit
	office          string
}

// Regular names stay within 10 characters once transliterated, so
// "given.surname" fits Slack's 21-character username unless a name is taken
// from the long lists below.
var sampleCultures = []sampleCulture{
	{given: []string{"José", "Sofía", "Mateo", "Lucía", "Álvaro", "Begoña", "Iñaki"},
		surnames: []string{"García", "Fernández", "de la Cruz", "Muñoz", "Ibáñez", "Peña"},
		phone:    "+346NNNNNNNN", office: "Madrid"},
	{given: []string{"Zoë", "Siobhán", "Ciarán", "Aoife", "Niamh", "Seán", "Liam"},
		surnames: []string{"O'Brien", "O'Connor", "Ní Bhriain", "MacLeod", "Walsh", "Byrne"},
		phone:    "+3538NNNNNNNN", office: "Dublin"},
	{given: []string{"Łukasz", "Małgosia", "Wojciech", "Zofia", "Paweł", "Agnieszka"},
		surnames: []string{"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Dąbrowska"},
		phone:    "+48NNNNNNNNN", office: "Kraków"},
	{given: []string{"Søren", "Åsa", "Björn", "Sigríður", "Þóra", "Ólafur", "Freja"},
		surnames: []string{"Østergaard", "Jørgensen", "Ødegård", "Björklund", "Sigurðsson", "Lindqvist"},
		phone:    "+45NNNNNNNN", office: "Copenhagen"},
	{given: []string{"Linh", "Minh", "Huong", "Thảo", "Đức", "Quang"},
		surnames:     []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng"},
		surnameFirst: true, phone: "+849NNNNNNNN", office: "Ho Chi Minh City"},
	{given: []string{"Anne-Marie", "François", "Noémie", "Raphaël", "Gaël", "Maëlle", "Renée"},
		surnames: []string{"Lefèvre", "Dubois", "Moreau", "Bérenger", "Rousseau"},
		phone:    "+336NNNNNNNN", office: "Paris"},
	{given: []string{"Jürgen", "Jörg", "Ingrid", "Lena", "Maximilian", "Käthe"},
		surnames: []string{"Müller", "Schröder", "van der Berg", "Weiß", "Dvořák", "Krüger"},
		phone:    "+4915NNNNNNNNN", office: "Berlin"},
	{given: []string{"Ayşe", "Çağla", "Emre", "Gökhan", "Şule"},
		surnames: []string{"Yılmaz", "Öztürk", "Çelik", "Şahin", "Doğan"},
		phone:    "+905NNNNNNNNN", office: "Istanbul"},
	{given: []string{"Ngozi", "Oluwaseun", "Chidi", "Kwame", "Ama", "Tunde"},
		surnames: []string{"Okafor", "Adeyemi", "Mensah", "Eze", "Balogun"},
		phone:    "+23480NNNNNNNN", office: "Lagos"},
	{given: []string{"Hiroshi", "Yuki", "Sakura", "Haruto", "Aiko"},
		surnames:     []string{"Tanaka", "Suzuki", "Watanabe", "Itō", "Saitō"},
		surnameFirst: true, phone: "+8190NNNNNNNN", office: "Tokyo"},
	{given: []string{"Ji-woo", "Min-jun", "Seo-yeon", "Wei", "Mei", "Jing"},
		surnames:     []string{"Kim", "Park", "Choi", "Wang", "Zhang", "Chen"},
		surnameFirst: true, phone: "+8210NNNNNNNN", office: "Seoul"},
	{given: []string{"Priya", "Arjun", "Ananya", "Rohan", "Deepa"},
		surnames: []string{"Patel", "Sharma", "Iyer", "Reddy", "Singh"},
		phone:    "+919NNNNNNNNN", office: "Bengaluru"},
	{given: []string{"Fatima", "Omar", "Layla", "Youssef", "Noor"},
		surnames: []string{"Haddad", "Khalil", "Al-Sayed", "Nasser"},
		phone:    "+9715NNNNNNNN", office: "Dubai"},
	{given: []string{"Sarah", "Michael", "Emily", "David", "Olivia", "James", "Chloé"},
		surnames: []string{"Smith", "Johnson", "Williams", "Brown", "Miller", "Abernathy"},
		phone:    "+1212555NNNN", office: "New York"},
}

// Every long given name has at least 10 characters and every long surname at
// least 12, so a long pair always makes a local part over 21 characters.
var (
	sampleLongGiven = []string{"Bartholomew", "Anastasiya", "Konstantinos", "Venkataraman", "Christopher",
		"Wilhelmina", "Guillermina", "Oluwadamilare", "Jean-Baptiste", "Maximilian-Alexander"}
	sampleLongSurnames = []string{"Papadopoulos", "Wolfeschlegelsteinhausen", "Ó Súilleabháin", "Łukaszewicz-Nowak",
		"Ramachandran", "Vanderstraeten", "Mountbatten-Windsor", "Oyelaran-Oyeyinka", "Sigurðardóttir",
		"Hernández de la Torre"}
)

var sampleDepartments = []struct {
	name   string
	titles []string
}{
	{"Engineering", []string{"Software Engineer", "Senior Software Engineer", "Staff Engineer", "Engineering Manager", "SRE"}},
	{"Sales", []string{"Account Executive", "Sales Development Rep", "Regional Sales Director"}},
	{"Marketing", []string{"Marketing Manager", "Content Strategist", "Growth Analyst"}},
	{"Finance", []string{"Accountant", "Financial Analyst", "Controller"}},
	{"Human Resources", []string{"HR Business Partner", "Recruiter", "People Ops Specialist"}},
	{"Customer Success", []string{"Customer Success Manager", "Support Engineer", "Support Lead"}},
	{"Legal", []string{"Counsel", "Paralegal", "Privacy Officer"}},
	{"Operations", []string{"Operations Manager", "Office Manager", "Procurement Specialist"}},
	{"Product", []string{"Product Manager", "Product Designer", "UX Researcher"}},
	{"R&D", []string{"Research Scientist", "Lab Technician", "Principal Researcher"}},
	{"IT", []string{"IT Administrator", "Security Engineer", "Helpdesk Technician"}},
}

var sampleProjects = []string{"Project Atlas", "Project Borealis", "Project Cygnus", "Project Dynamo", "Project Ember",
	"Project Fjord", "Project Gaia", "Project Helios", "Project Io", "Project Juniper"}

// JSON returns a directory in the file source's JSON format.
// The same options always give the same bytes.
//
// Among the users (when there are enough of them): names from many cultures
// with diacritics, apostrophes, hyphens and particles; about 2% whose
// "given.surname" is longer than 21 characters; about 3% disabled; about 1%
// without mail; exactly one pair sharing a mail address (one person with two
// accounts); one displayName containing "@"; one shared mailbox without
// given name or surname; managers forming a tree in which every manager
// appears before their reports; mobile numbers in E.164 for about 70%; and
// some users without jobTitle, department or employeeId. Groups are one per
// department, then project groups with random members, and one empty group.
func JSON(opts Options) []byte {
	g := newSampleGen(opts)
	dir := struct {
		Users  []sampleUser  `json:"users"`
		Groups []sampleGroup `json:"groups"`
	}{g.users(max(opts.Users, 0)), nil}
	dir.Groups = g.groups(max(opts.Groups, 0), dir.Users)

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "R&D" readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(dir); err != nil {
		panic("emulator: encoding the sample directory: " + err.Error()) // plain structs of strings cannot fail
	}
	return buf.Bytes()
}

type sampleGen struct {
	rng    *rand.Rand
	domain string
	ids    map[string]bool
	locals map[string]bool
}

func newSampleGen(opts Options) *sampleGen {
	domain := opts.Domain
	if domain == "" {
		domain = "example.com"
	}
	seed := uint64(opts.Seed)
	return &sampleGen{
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		domain: strings.ToLower(domain),
		ids:    map[string]bool{},
		locals: map[string]bool{},
	}
}

// sampleRole is a special case assigned to one user index.
type sampleRole int

const (
	sampleRegular sampleRole = iota
	sampleDuplicateMail
	sampleAtInName
	sampleShared
	sampleLongName
	sampleNoMail
	sampleDisabled
)

// roles assigns the special cases to distinct users, as many as fit.
func (g *sampleGen) roles(n int) (roles []sampleRole, dupOriginal int) {
	roles = make([]sampleRole, n)
	perm := g.rng.Perm(n)
	next := 0
	take := func(role sampleRole, count int) {
		for ; count > 0 && next < n; count-- {
			roles[perm[next]] = role
			next++
		}
	}
	dupOriginal = -1
	if n >= 2 {
		// The copy must come after the original so it can reuse its mail.
		a, b := min(perm[0], perm[1]), max(perm[0], perm[1])
		dupOriginal = a
		roles[b] = sampleDuplicateMail
		next = 2
	}
	take(sampleAtInName, 1)
	if n >= 20 {
		take(sampleShared, 1)
	}
	take(sampleLongName, max(1, int(math.Round(float64(n)*0.02))))
	take(sampleNoMail, max(1, n/100))
	take(sampleDisabled, max(1, int(math.Round(float64(n)*0.03))))
	return roles, dupOriginal
}

func (g *sampleGen) users(n int) []sampleUser {
	roles, dupOriginal := g.roles(n)
	users := make([]sampleUser, n)
	for i := range users {
		u := &users[i]
		u.ID = g.guid()
		u.AccountEnabled = true
		c := sampleCultures[g.rng.IntN(len(sampleCultures))]
		given, surname := g.pick(c.given), g.pick(c.surnames)
		if g.rng.IntN(10) == 0 { // people marry and move
			surname = g.pick(sampleCultures[g.rng.IntN(len(sampleCultures))].surnames)
		}
		if roles[i] == sampleLongName {
			given, surname = g.pick(sampleLongGiven), g.pick(sampleLongSurnames)
		}
		if roles[i] == sampleDuplicateMail {
			given, surname = users[dupOriginal].GivenName, users[dupOriginal].Surname
		}
		u.GivenName, u.Surname = given, surname
		u.DisplayName = g.displayName(c, given, surname)
		u.UserPrincipalName = g.upn(sampleLocalPart(given) + "." + sampleLocalPart(surname))
		u.Mail = u.UserPrincipalName
		if g.rng.IntN(20) == 0 { // some mailboxes keep the capitals people typed
			capitalized := sampleStrip.Replace(sampleASCII(given) + "." + sampleASCII(surname) + "@" + g.domain)
			if strings.EqualFold(capitalized, u.UserPrincipalName) {
				u.Mail = capitalized
			}
		}

		dept := sampleDepartments[g.rng.IntN(len(sampleDepartments))]
		if g.rng.IntN(25) != 0 {
			u.Department = dept.name
		}
		if g.rng.IntN(16) != 0 {
			u.JobTitle = g.pick(dept.titles)
		}
		if g.rng.IntN(10) < 7 {
			u.MobilePhone = g.phone(c.phone)
		}
		if g.rng.IntN(50) != 0 {
			u.EmployeeID = fmt.Sprintf("E%06d", 100000+i*10+g.rng.IntN(10))
		}
		if g.rng.IntN(5) != 0 {
			u.OfficeLocation = c.office
		}
		if i > 0 && g.rng.IntN(20) != 0 {
			// Squaring biases managers towards the top of the list, which
			// gives a tree of realistic depth instead of a long chain.
			f := g.rng.Float64()
			u.Manager = users[int(f*f*float64(i))].ID
		}

		switch roles[i] {
		case sampleDuplicateMail:
			u.Mail = users[dupOriginal].Mail
			u.JobTitle = "Contractor"
		case sampleAtInName:
			u.DisplayName = given + " " + surname + " @ " + c.office
		case sampleShared:
			u.GivenName, u.Surname, u.JobTitle, u.MobilePhone, u.EmployeeID, u.Manager = "", "", "", "", "", ""
			u.DisplayName = "Reception (" + c.office + ")"
			u.Department = "Operations"
			u.UserPrincipalName = g.upn("reception." + sampleLocalPart(c.office))
			u.Mail = u.UserPrincipalName
		case sampleNoMail:
			u.Mail = ""
		case sampleDisabled:
			u.AccountEnabled = false
		}
	}
	return users
}

func (g *sampleGen) displayName(c sampleCulture, given, surname string) string {
	switch {
	case c.surnameFirst && g.rng.IntN(3) == 0:
		return surname + " " + given
	case g.rng.IntN(30) == 0:
		return surname + ", " + given
	}
	return given + " " + surname
}

// upn makes local unique with a number suffix and adds the domain.
func (g *sampleGen) upn(local string) string {
	candidate := local
	for n := 2; g.locals[candidate]; n++ {
		candidate = fmt.Sprintf("%s%d", local, n)
	}
	g.locals[candidate] = true
	return candidate + "@" + g.domain
}

func (g *sampleGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *sampleGen) phone(template string) string {
	b := []byte(template)
	for i, c := range b {
		if c == 'N' {
			b[i] = byte('0' + g.rng.IntN(10))
		}
	}
	return string(b)
}

// guid returns a random version-4 GUID, unique within this directory.
func (g *sampleGen) guid() string {
	for {
		hi, lo := g.rng.Uint64(), g.rng.Uint64()
		hi = hi&^0xf000 | 0x4000     // version 4
		lo = lo&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
		id := fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
		if !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
}

func (g *sampleGen) groups(n int, users []sampleUser) []sampleGroup {
	if n == 0 {
		return []sampleGroup{}
	}
	rest := n - 1 // the last group is the empty one
	nDept := min(len(sampleDepartments), rest-rest/3)
	groups := make([]sampleGroup, 0, n)
	for _, d := range sampleDepartments[:nDept] {
		members := []string{}
		for _, u := range users {
			if u.Department == d.name {
				members = append(members, u.ID)
			}
		}
		groups = append(groups, sampleGroup{ID: g.guid(), DisplayName: d.name, Members: members})
	}
	for i := range rest - nDept {
		name := sampleProjects[i%len(sampleProjects)]
		if i >= len(sampleProjects) {
			name = fmt.Sprintf("%s %d", name, i/len(sampleProjects)+1)
		}
		size := min(len(users), 3+g.rng.IntN(23))
		members := []string{}
		for _, j := range g.rng.Perm(len(users))[:size] {
			members = append(members, users[j].ID)
		}
		groups = append(groups, sampleGroup{ID: g.guid(), DisplayName: name, Members: members})
	}
	return append(groups, sampleGroup{ID: g.guid(), DisplayName: "Project Zephyr (archived)", Members: []string{}})
}

// sampleTranslit covers letters that Unicode does not decompose into a base
// letter plus marks.
var sampleTranslit = strings.NewReplacer("ł", "l", "Ł", "L", "ø", "o", "Ø", "O", "đ", "d", "Đ", "D", "ß", "ss",
	"æ", "ae", "Æ", "AE", "œ", "oe", "Œ", "OE", "þ", "th", "Þ", "Th", "ð", "d", "Ð", "D", "ı", "i")

// sampleASCII strips diacritics: "Nguyễn" → "Nguyen", "Łukasz" → "Lukasz".
func sampleASCII(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, sampleTranslit.Replace(s))
	if err != nil {
		return s
	}
	return out
}

// sampleLocalPart turns a name into a mail local part: lowercase ASCII with
// spaces and apostrophes removed ("van der Berg" → "vanderberg").
func sampleLocalPart(name string) string {
	return sampleStrip.Replace(strings.ToLower(sampleASCII(name)))
}

var sampleStrip = strings.NewReplacer(" ", "", "'", "")
