package mapping

import (
	"strings"
	"testing"
)

func valid() map[string]string {
	return map[string]string{
		AttrUserName:    "ada.lovelace",
		AttrWorkEmail:   "ada@contoso.com",
		AttrDisplayName: "Ada Lovelace",
		AttrGivenName:   "Ada",
		AttrFamilyName:  "Lovelace",
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
		{"empty username", map[string]string{AttrUserName: " "}, nil, AttrUserName, "username_required", SeverityError, ""},
		{"missing username", nil, []string{AttrUserName}, AttrUserName, "username_required", SeverityError, ""},
		{"long username", map[string]string{AttrUserName: "bartholomew.featherst"}, nil, "", "", "", ""},
		{"too long username", map[string]string{AttrUserName: "bartholomew.featherstone"}, nil, AttrUserName, "long_username", SeverityError,
			`userName "bartholomew.featherstone" is 24 characters; Slack allows 21 — shorten it in the mapping, e.g. Left(`},
		{"rewritten username", map[string]string{AttrUserName: "Ada Lovelace"}, nil, AttrUserName, "username_rewritten", SeverityWarning, `as "ada_lovelace"`},
		{"email as username", map[string]string{AttrUserName: "ada@contoso.com"}, nil, AttrUserName, "username_rewritten", SeverityWarning, `as "ada"`},
		{"no email", nil, []string{AttrWorkEmail}, AttrWorkEmail, "email_empty", SeverityError, ""},
		{"blank email", map[string]string{AttrWorkEmail: ""}, nil, AttrWorkEmail, "email_empty", SeverityError, ""},
		{"bad email", map[string]string{AttrWorkEmail: "ada at contoso"}, nil, AttrWorkEmail, "bad_email_address", SeverityError, ""},
		{"email without domain dot", map[string]string{AttrWorkEmail: "ada@localhost"}, nil, AttrWorkEmail, "bad_email_address", SeverityError, ""},
		{"email two ats", map[string]string{AttrWorkEmail: "a@b@c.com"}, nil, AttrWorkEmail, "bad_email_address", SeverityError, ""},
		{"email with space", map[string]string{AttrWorkEmail: "ada @contoso.com"}, nil, AttrWorkEmail, "bad_email_address", SeverityError, ""},
		{"display name at", map[string]string{AttrDisplayName: "Ada @ Contoso"}, nil, AttrDisplayName, "invalid_name_specials", SeverityError, ""},
		{"display name starts at", map[string]string{AttrDisplayName: "@ada"}, nil, AttrDisplayName, "invalid_starts_with_at", SeverityError, ""},
		{"display name 80", map[string]string{AttrDisplayName: strings.Repeat("é", 80)}, nil, "", "", "", ""},
		{"display name 81", map[string]string{AttrDisplayName: strings.Repeat("é", 81)}, nil, AttrDisplayName, "invalid_name_maxlength", SeverityError, "81 characters"},
		{"display name punctuation ok", map[string]string{AttrDisplayName: "O'Brien (Ops) [EU], a/b; c.d_e-f"}, nil, "", "", "", ""},
		{"emoji", map[string]string{AttrTitle: "Chief 🚀 Officer"}, nil, AttrTitle, "invalid_emoji_not_allowed", SeverityError, ""},
		{"emoji star", map[string]string{AttrDisplayName: "Ada ⭐"}, nil, AttrDisplayName, "invalid_emoji_not_allowed", SeverityError, ""},
		{"symbols not emoji", map[string]string{AttrTitle: "Contoso™ © Zürich 東京"}, nil, "", "", "", ""},
		{"NUL in title", map[string]string{AttrTitle: "Eng\x00ineer"}, nil, AttrTitle, "control_character", SeverityError, `"Eng\x00ineer" has the control character U+0000 at character 4`},
		{"newline in department", map[string]string{AttrDepartment: "Sales\nEMEA"}, nil, AttrDepartment, "control_character", SeverityError, "U+000A at character 6"},
		{"C1 control in family name", map[string]string{AttrFamilyName: "Lo\u0085velace"}, nil, AttrFamilyName, "control_character", SeverityError, "U+0085 at character 3"},
		{"title 256", map[string]string{AttrTitle: strings.Repeat("ü", MaxValueLength)}, nil, "", "", "", ""},
		{"title 257", map[string]string{AttrTitle: strings.Repeat("t", MaxValueLength+1)}, nil, AttrTitle, "value_too_long", SeverityError,
			`title value "tttttttttttttttttttttttttttttttttttttttt"… is 257 characters; slackprov sends at most 256`},
		{"50 MB title", map[string]string{AttrTitle: strings.Repeat("x", 50<<20)}, nil, AttrTitle, "value_too_long", SeverityError, "is 52428800 characters"},
		{"long phone", map[string]string{AttrMobilePhone: strings.Repeat("1", 300)}, nil, AttrMobilePhone, "value_too_long", SeverityError, ""},
		{"nickName 22", map[string]string{AttrNickName: strings.Repeat("n", 22)}, nil, AttrNickName, "long_nickname", SeverityError, "22 characters; Slack allows 21"},
		{"names empty", map[string]string{AttrGivenName: " ", AttrFamilyName: ""}, nil, AttrGivenName, "invalid_name_required", SeverityError, ""},
		{"one name enough", map[string]string{AttrGivenName: ""}, nil, "", "", "", ""},
		{"names unmapped", nil, []string{AttrGivenName, AttrFamilyName}, "", "", "", ""},
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
