package notify

import (
	"regexp"
	"sort"
	"strings"
)

// redactedMark replaces a secret in a notification.
const redactedMark = "[redacted]"

// secretShapes catch secrets nobody registered: Slack tokens, bearer
// headers, credentials in query strings and Slack webhook URLs, whose
// path is itself the credential.
var secretShapes = []*regexp.Regexp{
	regexp.MustCompile(`xox[a-z]*[-.][A-Za-z0-9._-]+`),
	regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+`),
	regexp.MustCompile(`(?i)\b(password|passwd|secret|client_secret|token|access_token|refresh_token)=[^&\s"']+`),
	regexp.MustCompile(`https://hooks\.slack\.com/\S+`),
}

// scrubber removes known secrets and secret-shaped strings from text.
type scrubber struct {
	secrets []string // longest first, so a secret containing another goes whole
}

func newScrubber(secrets []string) *scrubber {
	var s scrubber
	for _, v := range secrets {
		// Very short values would blank ordinary words; no real secret is that short.
		if len(strings.TrimSpace(v)) >= 6 {
			s.secrets = append(s.secrets, v)
		}
	}
	sort.Slice(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
	return &s
}

func (s *scrubber) text(t string) string {
	for _, v := range s.secrets {
		t = strings.ReplaceAll(t, v, redactedMark)
	}
	for _, re := range secretShapes {
		t = re.ReplaceAllString(t, redactedMark)
	}
	return t
}

func (s *scrubber) message(m Message) Message {
	m.Profile = s.text(m.Profile)
	m.Subject = s.text(m.Subject)
	m.Summary = s.text(m.Summary)
	m.Action = s.text(m.Action)
	fs := make([]Failure, len(m.Failures))
	for i, f := range m.Failures {
		fs[i] = Failure{Object: s.text(f.Object), Reason: s.text(f.Reason)}
	}
	m.Failures = fs
	return m
}
