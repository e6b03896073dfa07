package mapping

import (
	"strings"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

func valid() map[string]string {
	return map[string]string{
		schema.UserName:    "ada.lovelace",
		schema.WorkEmail:   "ada@contoso.com",
		schema.DisplayName: "Ada Lovelace",
		schema.GivenName:   "Ada",
		schema.FamilyName:  "Lovelace",
	}
}

func TestCheckUser(t *testing.T) {
	tests := []struct {
		name     string
		change   map[string]string
		remove   []string
		target   string
		code     string
		severity string
		msg      string
	}{
		{"empty username", map[string]string{schema.UserName: " "}, nil, schema.UserName, "username_required", SeverityError, ""},
		{"missing username", nil, []string{schema.UserName}, schema.UserName, "username_required", SeverityError, ""},
		{"long username", map[string]string{schema.UserName: "bartholomew.featherst"}, nil, "", "", "", ""},
		{"too long username", map[string]string{schema.UserName: "bartholomew.featherstone"}, nil, schema.UserName, "long_username", SeverityError,
			`userName "bartholomew.featherstone" is 24 characters; Slack allows 21 — shorten it in the mapping, e.g. Left(`},
		{"rewritten username", map[string]string{schema.UserName: "Ada Lovelace"}, nil, schema.UserName, "username_rewritten", SeverityWarning, `as "ada_lovelace"`},
		{"email as username", map[string]string{schema.UserName: "ada@contoso.com"}, nil, schema.UserName, "username_rewritten", SeverityWarning, `as "ada"`},
		{"no email", nil, []string{schema.WorkEmail}, schema.WorkEmail, "email_empty", SeverityError, ""},
		{"blank email", map[string]string{schema.WorkEmail: ""}, nil, schema.WorkEmail, "email_empty", SeverityError, ""},
		{"bad email", map[string]string{schema.WorkEmail: "ada at contoso"}, nil, schema.WorkEmail, "bad_email_address", SeverityError, ""},
		{"email without domain dot", map[string]string{schema.WorkEmail: "ada@localhost"}, nil, schema.WorkEmail, "bad_email_address", SeverityError, ""},
		{"email two ats", map[string]string{schema.WorkEmail: "a@b@c.com"}, nil, schema.WorkEmail, "bad_email_address", SeverityError, ""},
		{"email with space", map[string]string{schema.WorkEmail: "ada @contoso.com"}, nil, schema.WorkEmail, "bad_email_address", SeverityError, ""},
		{"display name at", map[string]string{schema.DisplayName: "Ada @ Contoso"}, nil, schema.DisplayName, "invalid_name_specials", SeverityError, ""},
		{"display name starts at", map[string]string{schema.DisplayName: "@ada"}, nil, schema.DisplayName, "invalid_starts_with_at", SeverityError, ""},
		{"display name 80", map[string]string{schema.DisplayName: strings.Repeat("é", 80)}, nil, "", "", "", ""},
		{"display name 81", map[string]string{schema.DisplayName: strings.Repeat("é", 81)}, nil, schema.DisplayName, "invalid_name_maxlength", SeverityError, "81 characters"},
		{"display name punctuation ok", map[string]string{schema.DisplayName: "O'Brien (Ops) [EU], a/b; c.d_e-f"}, nil, "", "", "", ""},
		{"emoji", map[string]string{schema.Title: "Chief 🚀 Officer"}, nil, schema.Title, "invalid_emoji_not_allowed", SeverityError, ""},
		{"emoji star", map[string]string{schema.DisplayName: "Ada ⭐"}, nil, schema.DisplayName, "invalid_emoji_not_allowed", SeverityError, ""},
		{"symbols not emoji", map[string]string{schema.Title: "Contoso™ © Zürich 東京"}, nil, "", "", "", ""},
		{"NUL in title", map[string]string{schema.Title: "Eng\x00ineer"}, nil, schema.Title, "control_character", SeverityError, `"Eng\x00ineer" has the control character U+0000 at character 4`},
		{"newline in department", map[string]string{schema.Department: "Sales\nEMEA"}, nil, schema.Department, "control_character", SeverityError, "U+000A at character 6"},
		{"C1 control in family name", map[string]string{schema.FamilyName: "Lo\u0085velace"}, nil, schema.FamilyName, "control_character", SeverityError, "U+0085 at character 3"},
		{"title 256", map[string]string{schema.Title: strings.Repeat("ü", MaxValueLength)}, nil, "", "", "", ""},
		{"title 257", map[string]string{schema.Title: strings.Repeat("t", MaxValueLength+1)}, nil, schema.Title, "value_too_long", SeverityError,
			`title value "tttttttttttttttttttttttttttttttttttttttt"… is 257 characters; slackprov sends at most 256`},
		{"50 MB title", map[string]string{schema.Title: strings.Repeat("x", 50<<20)}, nil, schema.Title, "value_too_long", SeverityError, "is 52428800 characters"},
		{"long phone", map[string]string{schema.MobilePhone: strings.Repeat("1", 300)}, nil, schema.MobilePhone, "value_too_long", SeverityError, ""},
		{"nickName 22", map[string]string{schema.NickName: strings.Repeat("n", 22)}, nil, schema.NickName, "long_nickname", SeverityError, "22 characters; Slack allows 21"},
		{"names empty", map[string]string{schema.GivenName: " ", schema.FamilyName: ""}, nil, schema.GivenName, "invalid_name_required", SeverityError, ""},
		{"one name enough", map[string]string{schema.GivenName: ""}, nil, "", "", "", ""},
		{"names unmapped", nil, []string{schema.GivenName, schema.FamilyName}, "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := valid()
			for k, x := range tc.change {
				v[k] = x
			}
			for _, k := range tc.remove {
				delete(v, k)
			}
			ps := CheckUser(v)
			if tc.code == "" {
				if len(ps) != 0 {
					t.Errorf("unexpected problems: %+v", ps)
				}
				return
			}
			if len(ps) != 1 {
				t.Fatalf("want one problem %s, got %+v", tc.code, ps)
			}
			p := ps[0]
			if p.Target != tc.target || p.Code != tc.code || p.Severity != tc.severity || !strings.Contains(p.Message, tc.msg) {
				t.Errorf("got %+v", p)
			}
			if len(p.Message) > 400 {
				t.Errorf("message is %d bytes; it must quote at most the start of a value", len(p.Message))
			}
		})
	}
}

func TestSlackUserName(t *testing.T) {
	for in, want := range map[string]string{
		"Ada.Lovelace@contoso.com":               "ada.lovelace",
		"ada":                                    "ada",
		"José.Müller@x.com":                      "jose.muller",
		"Łukasz Żółć":                            "lukasz_zolc",
		"Søren.Kierkegaard":                      "soren.kierkegaard",
		"Ægir":                                   "aegir",
		"Straße":                                 "strasse",
		"Đorđe":                                  "dorde",
		"o'brien+test":                           "o_brien_test",
		"東京":                                     "__",
		"İlker":                                  "ilker",
		"":                                       "",
		"@contoso.com":                           "",
		"UPPER_case-1.2":                         "upper_case-1.2",
		"averyveryverylongusername.over21@x.com": "averyveryverylongusername.over21",
	} {
		if got := SlackUserName(in); got != want {
			t.Errorf("SlackUserName(%q) = %q, want %q", in, got, want)
		}
	}
}
