package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/auth"
	"github.com/slackprov/slackprov/directory/entra"
	"github.com/slackprov/slackprov/directory/file"
	"github.com/slackprov/slackprov/scim"
)

// TestConnectionOptions are test-connection's dependencies and flags.
type TestConnectionOptions struct {
	IO         *IOStreams
	HTTPClient *http.Client
	Now        func() time.Time
	Getenv     func(string) string
	Config     func() (*Config, error)
	ConfigPath string
	Profile    string

	Output string // "text" or "json"
}

func newTestConnectionCmd(f *Factory, runF func(*TestConnectionOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "test-connection",
		Usage: "check the Slack token, scope, plan and SCIM access, and the directory source",
		Description: `Runs a checklist and says how to fix each failing line: token found (and
where), auth.test, the admin scope, SCIM reachable on this plan, the SCIM
version answering, a read of one user, rate-limit headroom, and the
directory source. Exit status: 0 all passed, 4 a credentials or
authorization problem, 1 anything else.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "`FORMAT`: text or json"},
		},
		Action: func(c *cli.Context) error {
			opts := &TestConnectionOptions{
				IO: f.IO, HTTPClient: f.HTTPClient, Now: f.Now, Getenv: f.Getenv,
				Config: f.Config, ConfigPath: f.ConfigPath, Profile: f.Profile,
				Output: c.String("output"),
			}
			if opts.Output != "text" && opts.Output != "json" {
				return fmt.Errorf("--output %q: use text or json", opts.Output)
			}
			if runF != nil {
				return runF(opts)
			}
			return testConnectionRun(c.Context, opts)
		},
	}
}

// Check statuses.
const (
	checkPass = "pass"
	checkFail = "fail"
	checkSkip = "skip"
)

// connectionCheck is one checklist line.
type connectionCheck struct {
	// ID names the check for programs; it stays the same when Name's
	// wording changes.
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
	Fix    string `json:"fix,omitempty"`
	// credentials marks a failure of the token, its scope, the plan or the
	// install: the exit status is then 4.
	credentials bool
}

type connectionReport struct {
	OK     bool              `json:"ok"`
	Checks []connectionCheck `json:"checks"`
}

func (r *connectionReport) add(c connectionCheck) {
	c.ID = checkID(c.Name)
	r.Checks = append(r.Checks, c)
}

var checkIDs = map[string]string{
	nameToken:     "slack.token",
	nameAuthTest:  "slack.auth_test",
	nameScope:     "slack.scope",
	nameSCIM:      "slack.scim",
	nameVersion:   "slack.scim_version",
	nameReadUser:  "slack.scim_read",
	nameRateLimit: "slack.rate_limit",
	nameSource:    "source",
}

// checkID is a check's stable id: from the table, or for the Entra
// source's own checks "entra." and the check's name in lower case.
func checkID(name string) string {
	if id, ok := checkIDs[name]; ok {
		return id
	}
	if rest, ok := strings.CutPrefix(name, "Entra: "); ok {
		return "entra." + strings.ReplaceAll(strings.ToLower(rest), " ", "_")
	}
	return strings.ReplaceAll(strings.ToLower(name), " ", "_")
}

func (r *connectionReport) pass(name, detail string) {
	r.add(connectionCheck{Name: name, Status: checkPass, Detail: detail})
}

func (r *connectionReport) skip(name, why string) {
	r.add(connectionCheck{Name: name, Status: checkSkip, Detail: why})
}

func (r *connectionReport) fail(name, detail, fix string, credentials bool) {
	r.add(connectionCheck{Name: name, Status: checkFail, Detail: detail, Fix: fix, credentials: credentials})
}

const (
	nameToken     = "Slack token found"
	nameAuthTest  = "Slack accepts the token (auth.test)"
	nameScope     = "admin scope granted"
	nameSCIM      = "SCIM API reachable and allowed on this plan"
	nameVersion   = "SCIM version answering"
	nameReadUser  = "SCIM read of one user"
	nameRateLimit = "SCIM rate-limit headroom"
	nameSource    = "directory source readable and valid"
)

func testConnectionRun(ctx context.Context, opts *TestConnectionOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	rep := &connectionReport{}
	if cfg.GenericTarget() {
		checkTarget(ctx, opts, cfg, rep)
	} else {
		checkSlack(ctx, opts, cfg, rep)
	}
	checkSource(ctx, cfg, opts.HTTPClient, rep)

	code := ExitOK
	for _, c := range rep.Checks {
		if c.Status != checkFail {
			continue
		}
		if c.credentials {
			code = ExitAuth
		} else if code == ExitOK {
			code = ExitError
		}
	}
	rep.OK = code == ExitOK
	if opts.Output == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		renderChecks(opts.IO.Out, rep)
	}
	if code != ExitOK {
		return shown(checksFailed(code))
	}
	return nil
}

func renderChecks(w io.Writer, rep *connectionReport) {
	for _, c := range rep.Checks {
		mark := map[string]string{checkPass: "✓", checkFail: "✗", checkSkip: "-"}[c.Status]
		line := mark + " " + c.Name
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		fmt.Fprintln(w, line)
		if c.Fix != "" {
			fmt.Fprintln(w, "    fix: "+c.Fix)
		}
	}
	if rep.OK {
		fmt.Fprintln(w, "All checks passed.")
	}
}

func checkSlack(ctx context.Context, opts *TestConnectionOptions, cfg *Config, rep *connectionReport) {
	const later = "skipped: an earlier check failed"
	store := newCredentialStore(opts.ConfigPath, opts.Profile, opts.Getenv)
	client := slackAPIClient(cfg, opts.HTTPClient, opts.Now)
	provider := auth.NewTokenProvider(store, client)
	provider.Warn = func(msg string) { fmt.Fprintln(opts.IO.ErrOut, "! "+msg) }

	token, err := provider.Token(ctx)
	if err != nil {
		var ke *auth.KeychainError
		switch {
		case errors.Is(err, auth.ErrNoCredential):
			rep.fail(nameToken, "not signed in: none in "+auth.EnvToken+", the OS keychain or "+store.FilePath(),
				"run `slackprov authorize`, or set "+auth.EnvToken, true)
		case errors.As(err, &ke):
			rep.fail(nameToken, "the OS keychain cannot be reached: "+ke.Reason(), strings.TrimPrefix(ke.Fix(), "Fix: "), true)
		default:
			rep.fail(nameToken, err.Error(), "run `slackprov authorize` again", true)
		}
		for _, n := range []string{nameAuthTest, nameScope, nameSCIM, nameVersion, nameReadUser, nameRateLimit} {
			rep.skip(n, later)
		}
		return
	}
	cred, _, _ := provider.Credential(ctx)
	where := provider.Location()
	detail := "from " + where
	if cred.Rotating() {
		detail += fmt.Sprintf("; rotating, renewed automatically (current one expires %s)", cred.ExpiresAt.Local().Format(time.RFC1123))
	}
	rep.pass(nameToken, detail)

	id, err := client.Test(ctx, token)
	if err != nil {
		rep.fail(nameAuthTest, fmt.Sprintf("the token from %s: %v", where, err), tokenFix(where), auth.IsAPIError(err))
	} else {
		team := id.Team
		if team == "" {
			team = cred.Workspace()
		}
		ident := fmt.Sprintf("%s (%s) as %s (%s)", team, id.TeamID, id.User, id.UserID)
		if id.EnterpriseID != "" {
			ident += ", Enterprise Grid org " + id.EnterpriseID
		}
		rep.pass(nameAuthTest, ident)
	}

	scopes, known := cred.Scopes, len(cred.Scopes) > 0
	if id != nil && id.ScopesKnown {
		scopes, known = id.Scopes, true
	}
	switch {
	case !known:
		rep.skip(nameScope, "Slack did not report the token's scopes; the SCIM checks below show whether it works")
	case !slices.Contains(scopes, "admin"):
		rep.fail(nameScope, "the token has "+strings.Join(scopes, ", ")+" but not admin",
			"add the user scope admin to the Slack app (docs/slack-app.md) and run `slackprov authorize` again", true)
	default:
		rep.pass(nameScope, "scopes: "+strings.Join(scopes, ", "))
	}

	checkSCIM(ctx, opts, cfg, token, where, rep)
}

// scimExplanations put Slack's SCIM refusals in plain words.
var scimExplanations = map[string][2]string{
	scim.CodePlusTeamsOnly: {
		"Slack says this workspace's plan does not include SCIM: it needs Business+ or Enterprise Grid (Free and Pro plans cannot use SCIM)",
		"upgrade the plan, or authorize against a workspace or org on Business+ or Enterprise Grid",
	},
	scim.CodeNonOrgTeamsOnly: {
		"on Enterprise Grid, SCIM only accepts a token from an app installed on the whole org, and this one is installed on a single workspace",
		"have an Org Owner install the app on the org (pick the org in the top-right menu of the install page), then run `slackprov authorize` again",
	},
	scim.CodeInvalidAuthentication: {
		"Slack's SCIM API rejected the token: it is revoked, lacks the admin scope, was not created by an Owner or Admin, or its user lost that role",
		"run `slackprov authorize` again signed in as a Workspace/Org Owner or Admin",
	},
	scim.CodeMissingAuthentication: {
		"Slack's SCIM API received no token",
		"check that slack.scim_url points at Slack's SCIM API and no proxy strips the Authorization header",
	},
	scim.CodePermissionDenied: {
		"the token's user may not use SCIM here (an Admin's token cannot act on Owners)",
		"authorize as a Workspace or Org Owner",
	},
	scim.CodeUnsupportedVersion: {
		"this org does not accept this SCIM version at slack.scim_url",
		"some orgs answer only v1: remove slack.scim_version (slackprov then tries v2 and moves to v1 by itself), or set it to v1",
	},
}

func explainSCIM(err error, where string) (detail, fix string, credentials bool) {
	var se *scim.Error
	if errors.As(err, &se) {
		if ex, ok := scimExplanations[se.Code]; ok {
			fix := ex[1]
			if se.Code == scim.CodeInvalidAuthentication && fromEnv(where) {
				fix = tokenFix(where)
			}
			return fmt.Sprintf("%s (Slack said %s; token from %s)", ex[0], se.Code, where), fix, scim.IsAuth(err)
		}
		return err.Error(), "check slack.scim_url and the token's role", scim.IsAuth(err)
	}
	return err.Error(), "check slack.scim_url and the network (proxy, firewall, IP allowlist on the Slack app)", false
}

var errFirstUser = errors.New("first user read")

// firstUser reads the first user of the first list page; nil when there is none.
func firstUser(ctx context.Context, c *scim.Client) (*scim.User, error) {
	var first *scim.User
	err := c.ListUsers(ctx, func(u *scim.User) error {
		first = u
		return errFirstUser
	})
	if errors.Is(err, errFirstUser) {
		err = nil
	}
	return first, err
}

func checkSCIM(ctx context.Context, opts *TestConnectionOptions, cfg *Config, token, where string, rep *connectionReport) {
	const later = "skipped: an earlier check failed"
	var mu sync.Mutex
	var limited int
	var waited time.Duration
	client, err := scim.New(scim.Options{
		BaseURL: cfg.Slack.SCIMURL, Version: cfg.Slack.SCIMVersion, Token: token, HTTPClient: opts.HTTPClient, RateShare: cfg.Slack.RateShare,
		MaxRetryAfterWaits: 1,
		OnRequest: func(ri scim.RequestInfo) {
			mu.Lock()
			defer mu.Unlock()
			if ri.Status == http.StatusTooManyRequests {
				limited++
			}
			waited += ri.Waited
		},
	})
	if err != nil {
		rep.fail(nameSCIM, err.Error(), "fix slack.scim_url in the config", false)
		for _, n := range []string{nameVersion, nameReadUser, nameRateLimit} {
			rep.skip(n, later)
		}
		return
	}

	spc, err := client.ServiceProviderConfig(ctx)
	switch {
	case scim.IsCode(err, scim.CodeUnsupportedVersion):
		rep.pass(nameSCIM, "Slack answered at "+cfg.Slack.SCIMURL)
		detail, fix, _ := explainSCIM(err, where)
		rep.fail(nameVersion, detail, fix, false)
	case err != nil:
		detail, fix, creds := explainSCIM(err, where)
		rep.fail(nameSCIM, detail, fix, creds)
		rep.skip(nameVersion, later)
	default:
		rep.pass(nameSCIM, "Slack answered at "+client.BaseURL())
		rep.pass(nameVersion, describeVersion(cfg, client, spc))
	}
	if err != nil {
		rep.skip(nameReadUser, later)
		rep.skip(nameRateLimit, later)
		return
	}

	first, err := firstUser(ctx, client)
	switch {
	case err != nil:
		detail, fix, creds := explainSCIM(err, where)
		rep.fail(nameReadUser, detail, fix, creds)
	case first == nil:
		rep.pass(nameReadUser, "the org has no users yet")
	default:
		rep.pass(nameReadUser, "read user "+first.ID)
	}

	mu.Lock()
	defer mu.Unlock()
	if limited > 0 {
		rep.fail(nameRateLimit, fmt.Sprintf("Slack answered 429 to %d of these checks' requests", limited),
			"Slack's SCIM limits are shared by every SCIM app in the org (Entra, Okta, scripts): wait a minute; slackprov slows down to what they leave, and slack.rate_share caps it lower still", false)
		return
	}
	rep.pass(nameRateLimit, fmt.Sprintf("no 429 answers; Slack publishes no remaining-quota header, so slackprov paces itself at up to %.0f%% of the org-wide limits (slack.rate_share) and slows down to what other SCIM apps leave when Slack answers 429", cfg.Slack.RateShare*100))
}

// describeVersion says which SCIM version the org answers, and why when it
// is not the configured one.
func describeVersion(cfg *Config, c *scim.Client, spc map[string]any) string {
	d := describeSPC(c.Version(), spc)
	if c.BaseURL() != cfg.Slack.SCIMURL && !strings.HasSuffix(cfg.Slack.SCIMURL, "/scim/v1/") && c.Version() == "v1" {
		d = "this org answers SCIM v1 only: " + cfg.Slack.SCIMURL + " said unsupported_version, so slackprov uses " +
			c.BaseURL() + " for it (sync does the same; set slack.scim_version: v1 to skip the v2 attempt); " + d
	}
	return d
}

func describeSPC(version string, spc map[string]any) string {
	var features []string
	for _, f := range []string{"patch", "filter", "bulk"} {
		if m, ok := spc[f].(map[string]any); ok {
			if s, ok := m["supported"].(bool); ok && s {
				features = append(features, f)
			}
		}
	}
	d := "SCIM " + version + " ServiceProviderConfig answered"
	if len(features) > 0 {
		d += " (supports " + strings.Join(features, ", ") + ")"
	}
	return d
}

func checkSource(ctx context.Context, cfg *Config, hc *http.Client, rep *connectionReport) {
	switch cfg.Source.Type {
	case "file":
	case "entra":
		checkEntra(ctx, cfg, hc, rep)
		return
	default:
		rep.fail(nameSource, "source.type "+cfg.Source.Type+" is unknown", "set source.type to file or entra", false)
		return
	}
	if cfg.Source.File.Path == "" {
		rep.fail(nameSource, "source.file.path is not set", "set source.file.path to a JSON or CSV file of users (docs/file-format.md)", false)
		return
	}
	snap, err := file.New(cfg.Source.File.Path).Read(ctx)
	if err != nil {
		rep.fail(nameSource, err.Error(), "fix or point source.file.path at a readable JSON or CSV file", false)
		return
	}
	if len(snap.Problems) > 0 {
		var msgs []string
		for i, p := range snap.Problems {
			if i == 3 {
				msgs = append(msgs, fmt.Sprintf("and %d more", len(snap.Problems)-3))
				break
			}
			msgs = append(msgs, p.Error())
		}
		rep.fail(nameSource, fmt.Sprintf("%d bad record(s) in %s: %s", len(snap.Problems), cfg.Source.File.Path, strings.Join(msgs, "; ")),
			"fix those records; sync skips them and reports them", false)
		return
	}
	if len(snap.Users) == 0 {
		rep.fail(nameSource, cfg.Source.File.Path+" has no users", "an empty source would deactivate everyone, so sync refuses it: check the file", false)
		return
	}
	rep.pass(nameSource, fmt.Sprintf("%s: %d users, %d groups", cfg.Source.File.Path, len(snap.Users), len(snap.Groups)))
}

// checkEntra adds the Entra source's own checks: token, each Graph
// permission, the enterprise app, and what is assigned to it. A failed
// token or permission is a credentials problem (exit 4).
func checkEntra(ctx context.Context, cfg *Config, hc *http.Client, rep *connectionReport) {
	so := sourceOptions{HTTPClient: hc}
	// The store caches the tenant's directory extension names, which the
	// check refreshes; without one they are listed again at each load.
	if st, err := openStore(ctx, cfg); err == nil {
		defer st.Close()
		so.Store = st
	}
	src, err := openSource(cfg, so)
	if err != nil {
		rep.fail(nameSource, err.Error(), "fix source.entra in "+configName(cfg), false)
		return
	}
	for _, c := range src.(*entra.Source).Check(ctx) {
		name := "Entra: " + c.Name
		if c.OK {
			rep.pass(name, c.Detail)
			continue
		}
		rep.fail(name, c.Detail, c.Fix, c.Name == "Entra token" || strings.HasPrefix(c.Name, "Permission "))
	}
}
