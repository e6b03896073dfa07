package slackscim

import (
	"fmt"
	"net/http"
	"testing"
)

func seedUsers(n int) *Seed {
	seed := &Seed{}
	for i := range n {
		seed.Users = append(seed.Users, SeedUser{
			UserName: fmt.Sprintf("user%04d", i), Email: fmt.Sprintf("user%04d@example.com", i), GivenName: "U",
		})
	}
	return seed
}

func TestSlackListPaging(t *testing.T) {
	c := newTestSlack(t, Options{Seed: seedUsers(2500)})
	tests := []struct {
		query              string
		items, start       int
		firstUser          string
		total, perPageWant int
	}{
		{"", 10, 1, "user0000", 2500, 10},
		{"?count=5000", 1000, 1, "user0000", 2500, 1000},
		{"?startIndex=1001&count=1000", 1000, 1001, "user1000", 2500, 1000},
		{"?startIndex=2001&count=1000", 500, 2001, "user2000", 2500, 500},
		{"?startIndex=0&count=3", 3, 1, "user0000", 2500, 3},
		{"?startIndex=2600", 0, 2600, "", 2500, 0},
		{"?count=0", 0, 1, "", 2500, 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := c.do("GET", "/scim/v2/Users"+tt.query, "")
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %.300s", r.status, r.raw)
			}
			res := r.body["Resources"].([]any)
			if len(res) != tt.items || r.body["totalResults"] != float64(tt.total) ||
				r.body["itemsPerPage"] != float64(tt.perPageWant) || r.body["startIndex"] != float64(tt.start) {
				t.Fatalf("got %d items, totalResults %v, itemsPerPage %v, startIndex %v",
					len(res), r.body["totalResults"], r.body["itemsPerPage"], r.body["startIndex"])
			}
			if tt.firstUser != "" && res[0].(map[string]any)["userName"] != tt.firstUser {
				t.Fatalf("first user %v, want %s (creation order)", res[0].(map[string]any)["userName"], tt.firstUser)
			}
		})
	}
	r := c.do("GET", "/scim/v2/Users?count=ten", "")
	expectError(t, r, 400, "invalid_query")
	expectError(t, c.do("GET", "/scim/v2/Users?sortOrder=up", ""), 400, "invalid_sort_order")
	r = c.do("GET", "/scim/v2/Users", "")
	if r.body["schemas"].([]any)[0] != scimListSchema {
		t.Errorf("list schemas = %v", r.body["schemas"])
	}
}

func TestSlackUserFilters(t *testing.T) {
	c := newTestSlack(t, Options{})
	c.createUser(`{"schemas":["` + scimUserSchema + `"],"userName":"carly","externalId":"Ext-1","name":{"givenName":"C"},
	  "emails":[{"value":"Carly@Example.com","primary":true},{"value":"carly@home.example"}]}`)
	c.createUser(`{"schemas":["` + scimUserSchema + `"],"userName":"dave","name":{"givenName":"D"},"emails":[{"value":"dave@example.com"}]}`)
	tests := []struct {
		filter string
		want   []string
		detail string
	}{
		{`userName eq "carly"`, []string{"carly"}, ""},
		{`UserName Eq "Carly"`, []string{"carly"}, ""},
		{`username EQ 'carly'`, []string{"carly"}, ""},
		{`email eq "carly@example.com"`, []string{"carly"}, ""},
		{`emails eq "CARLY@HOME.EXAMPLE"`, []string{"carly"}, ""},
		{`emails.value co "example.com"`, []string{"carly", "dave"}, ""},
		{`userName sw "da"`, []string{"dave"}, ""},
		{`externalId eq "Ext-1"`, []string{"carly"}, ""},
		{`externalId eq "ext-1"`, nil, ""},
		{`externalId pr`, []string{"carly"}, ""},
		{`userName eq "carly" or userName eq "dave"`, []string{"carly", "dave"}, ""},
		{`userName eq "carly" and email co "home"`, []string{"carly"}, ""},
		{`(userName eq "x" or userName eq "dave") and email sw "dave"`, []string{"dave"}, ""},
		{`userName eq "nobody"`, nil, ""},
		{`userName eq`, nil, "incomplete_filter"},
		{`userName`, nil, "incomplete_filter"},
		{`userName  eq "carly"`, nil, "incomplete_filter"},
		{`userName eq "carly`, nil, "incomplete_filter"},
		{`title eq "x"`, nil, "invalid_query"},
		{`userName zz "x"`, nil, "invalid_query"},
		{`userName eq carly`, nil, "invalid_query"},
		{`userName eq "carly" junk`, nil, "invalid_query"},
		{`(userName eq "carly"`, nil, "invalid_filter_group"},
		{`userName eq "carly")`, nil, "invalid_filter_group"},
		{``, nil, "no_filters"},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			r := c.do("GET", "/scim/v2/Users?filter="+urlQuery(tt.filter), "")
			if tt.detail != "" {
				expectError(t, r, 400, tt.detail)
				return
			}
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			var got []string
			for _, res := range r.body["Resources"].([]any) {
				got = append(got, res.(map[string]any)["userName"].(string))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("matched %v, want %v", got, tt.want)
			}
			if r.body["totalResults"] != float64(len(tt.want)) {
				t.Fatalf("totalResults %v, want %d", r.body["totalResults"], len(tt.want))
			}
		})
	}
}
