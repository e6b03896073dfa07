package scim

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// samplePageUser is the reference's sample v2 user (slack-api.md §2.5).
const samplePageUser = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            "urn:ietf:params:scim:schemas:extension:slack:profile:2.0:User"],
 "id":"U123ABC456","externalId":"",
 "meta":{"created":"2022-08-16T12:49:47-07:00","location":"https://api.slack.com/scim/v2/Users/U123ABC456"},
 "userName":"pamela","nickName":"pam",
 "name":{"givenName":"Pam","familyName":"Halpert","honorificPrefix":"Mrs."},
 "displayName":"PamHalpert123","profileUrl":"https://x.enterprise.slack.com/team/pamela",
 "title":"receptionist","timezone":"America/New_York","active":true,
 "emails":[{"value":"pam@x.com","primary":true},{"value":"pam2@x.com","primary":false}],
 "photos":[{"value":"https://x/_192.png","type":"photo"}],
 "addresses":[{"streetAddress":"1","locality":"Scranton","region":"PA","postalCode":"12345","country":"US"}],
 "phoneNumbers":[{"value":null,"type":"mobile"},{"value":"4168312999","primary":true}],
 "userType":null,"roles":[{"value":"role 1","primary":true}],"preferredLanguage":null,"locale":"en-US",
 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"123","costCenter":null,
   "organization":"o","division":"d","department":"Sales","manager":{"managerId":null}},
 "urn:ietf:params:scim:schemas:extension:slack:profile:2.0:User":{"startDate":"2024-04-10T00:00:00+0000"},
 "groups":[{"value":"S123ABC456","display":"SCIM V2 Test Group"}]}`

// pageCases are list bodies in every shape the decoder must read as
// encoding/json does, or refuse as it does.
var pageCases = []struct{ name, body string }{
	{"reference sample", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Resources":[` + samplePageUser + `],"totalResults":1,"itemsPerPage":1,"startIndex":1}`},
	{"empty", `{"Resources":[],"totalResults":0,"itemsPerPage":0,"startIndex":1}`},
	{"no Resources", `{"totalResults":0}`},
	{"null Resources and element", `{"Resources":null}`},
	{"null element", `{"Resources":[null,{"id":"U1"}]}`},
	{"top-level null", `null`},
	{"keys in another case", `{"resources":[{"ID":"U1","USERNAME":"a","Name":{"GIVENNAME":"G"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user":{"Manager":{"MANAGERID":"U2"}}}],"TOTALRESULTS":1}`},
	{"unicode fold (long s)", "{\"Resources\":[{\"\u017fchemas\":[\"x\"],\"userName\":\"\u017fam\"}]}"},
	{"escapes", `{"Resources":[{"id":"U\u00e9\n\"x\"","userName":"\ud83d\ude00","title":"\ud800 lone"}]}`},
	{"escaped key", `{"Resources":[{"user\u004eame":"a"}]}`},
	{"raw UTF-8", `{"Resources":[{"displayName":"Zoë 東京"}]}`},
	{"invalid UTF-8", "{\"Resources\":[{\"displayName\":\"a\xffb\xc3\"}]}"},
	{"nulls everywhere", `{"Resources":[{"id":null,"name":null,"emails":null,"active":null,"groups":[null],"meta":null,"schemas":[null,"s"],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":null,"phoneNumbers":[null,{"value":null,"primary":null}]}],"totalResults":null}`},
	{"duplicate members", `{"Resources":[{"id":"a","id":"b","name":{"givenName":"g"},"name":{"familyName":"f"},"emails":[{"value":"1"}],"emails":[],"active":true,"active":null}]}`},
	{"unknown members of every kind", `{"x":{"a":[1,2.5,-3e-2,true,false,null,{"b":"c"}]},"Resources":[{"photos":[{"value":"p"}],"n":-0.0,"e":1E+9}],"y":"z"}`},
	{"whitespace", " \t\r\n{ \"Resources\" : [ { \"id\" : \"U1\" } ] , \"totalResults\" : 1 } \n"},
	{"groups", `{"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"S1","displayName":"g","members":[{"value":"U1","display":"a"},{"value":"U2"}],"meta":{"created":"c","location":"l"}}],"totalResults":1}`},
	{"trailing garbage", `{"Resources":[]} x`},
	{"two values", `{}{}`},
	{"truncated", `{"Resources":[{"id":"U1"`},
	{"unterminated string", `{"Resources":[{"id":"U1}]}`},
	{"empty body", ``},
	{"trailing comma", `{"Resources":[{"id":"U1",}]}`},
	{"array trailing comma", `{"Resources":[{"id":"U1"},]}`},
	{"missing colon", `{"Resources" []}`},
	{"float for an int", `{"totalResults":1.5}`},
	{"exponent for an int", `{"totalResults":1e3}`},
	{"huge int", `{"totalResults":99999999999999999999}`},
	{"leading zero", `{"totalResults":01}`},
	{"bad number", `{"x":-}`},
	{"string for an int", `{"totalResults":"5"}`},
	{"number for a string", `{"Resources":[{"id":5}]}`},
	{"string for a bool", `{"Resources":[{"active":"true"}]}`},
	{"object for a string", `{"Resources":[{"title":{}}]}`},
	{"array for an object", `{"Resources":[{"name":[]}]}`},
	{"number element", `{"Resources":[5]}`},
	{"Resources not an array", `{"Resources":{}}`},
	{"top-level array", `[]`},
	{"control character in a string", "{\"Resources\":[{\"id\":\"a\tb\"}]}"},
	{"bad escape", `{"Resources":[{"id":"a\qb"}]}`},
	{"bad literal", `{"Resources":[{"active":tru}]}`},
	{"bad literal in skipped member", `{"x":nul}`},
	{"bad escape in skipped member", `{"x":"\x"}`},
}

// sameAsReflection checks that the hand decoder gives what json.Unmarshal
// gives for body: the same page, or an error when it errs.
func sameAsReflection[T any](t *testing.T, name string, body []byte, resource func(*pageReader, *T) error) {
	t.Helper()
	var want ListPage[T]
	wantErr := json.Unmarshal(body, &want)
	got, err := decodeListPage(body, resource)
	switch {
	case (err != nil) != (wantErr != nil):
		t.Errorf("%s: error %v, encoding/json says %v", name, err, wantErr)
	case err == nil && !reflect.DeepEqual(*got, want):
		t.Errorf("%s: decoded\n%s\nencoding/json decodes\n%s", name, dump(got), dump(&want))
	}
}

func dump(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestListPageDecoderMatchesReflection(t *testing.T) {
	for _, tc := range pageCases {
		sameAsReflection(t, tc.name+" (users)", []byte(tc.body), decodeUser)
		sameAsReflection(t, tc.name+" (groups)", []byte(tc.body), decodeGroup)
	}
}

func TestListPageDecoderOnEmulatorPages(t *testing.T) {
	users, groups := emulatorPages(t, 2500)
	for i, p := range users {
		sameAsReflection(t, fmt.Sprintf("user page %d", i+1), p, decodeUser)
	}
	for i, p := range groups {
		sameAsReflection(t, fmt.Sprintf("group page %d", i+1), p, decodeGroup)
	}
	got, err := decodeListPage(users[0], decodeUser)
	if err != nil || len(got.Resources) != 1000 || got.TotalResults != 2500 {
		t.Fatalf("first page: %v, %d users of %d", err, len(got.Resources), got.TotalResults)
	}
	u := got.Resources[3]
	if u.Enterprise == nil || u.Enterprise.Manager == nil || u.Enterprise.Manager.ManagerID == "" || !strings.HasPrefix(u.Name.FamilyName, "Fam\u00e9ly") {
		t.Errorf("user 3 lost its manager or name: %s", dump(u))
	}
}

func FuzzListPageDecoder(f *testing.F) {
	for _, tc := range pageCases {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsReflection(t, "fuzzed", body, decodeUser)
		sameAsReflection(t, "fuzzed", body, decodeGroup)
	})
}

// BenchmarkDecodeUserPage decodes one emulator page of 1,000 users.
func BenchmarkDecodeUserPage(b *testing.B) {
	pages, _ := emulatorPages(b, 1000)
	page := pages[0]
	for _, c := range []struct {
		name   string
		decode func([]byte) (*ListPage[User], error)
	}{
		{"encoding-json", func(body []byte) (*ListPage[User], error) {
			var p ListPage[User]
			return &p, json.Unmarshal(body, &p)
		}},
		{"slackprov", func(body []byte) (*ListPage[User], error) { return decodeListPage(body, decodeUser) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.decode(page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
