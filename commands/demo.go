package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/emulator/entraid"
	"github.com/slackprov/slackprov/emulator/sampledir"
	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/views"
)

// DemoOptions is everything `slackprov demo` needs.
type DemoOptions struct {
	IO     *IOStreams
	Now    func() time.Time
	Source string // "entra" or "file"
	// SCIMVersion is the Slack SCIM dialect the demo speaks: "v2" or "v1".
	SCIMVersion string
	Users       int
	Groups      int
	TimeScale   float64
	Show        int
	// KeepDir keeps the temporary state dir for inspection.
	KeepDir bool
}

func newDemoCmd(f *Factory, runF func(*DemoOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run a whole sync against the built-in Slack and Entra emulators and a sample directory",
		Description: `Needs no Slack account and no tenant. Starts the Slack emulator (rate limits on,
on a sped-up clock) and an emulated Entra tenant holding a sample directory with
realistic, messy data, then:
  1. shows the dry-run plan,  2. applies it,  3. syncs again to show nothing is left,
  4. changes a few people in the directory and shows and applies the small
     follow-up plan (with Entra: an incremental read of only what changed).
--source file runs the same story from a JSON directory file instead.
It leaves nothing behind outside a temporary folder, which it removes.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "source", Value: "entra", Usage: "directory to read: entra (emulated tenant, Microsoft Graph) or file"},
			&cli.IntFlag{Name: "users", Value: 300, Usage: "sample directory size"},
			&cli.IntFlag{Name: "groups", Value: 8, Usage: "sample group count"},
			&cli.Float64Flag{Name: "time-scale", Value: 60, Usage: "run Slack's rate limits `X` times faster"},
			&cli.IntFlag{Name: "show", Value: 12, Usage: "operations to print per plan"},
			&cli.BoolFlag{Name: "keep", Usage: "keep the temporary folder (state, directory file) and print its path"},
			&cli.StringFlag{Name: "scim-version", Value: "v2", Usage: "Slack SCIM dialect to speak: v2 or v1 (what Entra's gallery app uses)"},
		},
		Action: func(c *cli.Context) error {
			opts := &DemoOptions{IO: f.IO, Now: f.Now, Source: c.String("source"), Users: c.Int("users"),
				Groups: c.Int("groups"), TimeScale: c.Float64("time-scale"), Show: c.Int("show"), KeepDir: c.Bool("keep"),
				SCIMVersion: c.String("scim-version")}
			if runF != nil {
				return runF(opts)
			}
			return demoRun(c.Context, opts)
		},
	}
}

func (opts *DemoOptions) check() error {
	if opts.Users < 20 {
		return fmt.Errorf("--users %d: the demo needs at least 20", opts.Users)
	}
	if opts.Source != "entra" && opts.Source != "file" {
		return fmt.Errorf("--source %q: use entra or file", opts.Source)
	}
	if opts.SCIMVersion == "" {
		opts.SCIMVersion = "v2"
	}
	if opts.SCIMVersion != "v2" && opts.SCIMVersion != "v1" {
		return fmt.Errorf("--scim-version %q: use v2 or v1", opts.SCIMVersion)
	}
	return nil
}

// demo is one run of the demo: the emulated Slack and directory, and the
// profile that syncs one into the other.
type demo struct {
	opts       *DemoOptions
	cfg        Config
	httpClient *http.Client
	slack      *slackscim.Org
	people     sampleDirectory
	describe   string
	// change makes step 4's changes in the directory.
	change func(demoChanges) error
}

func demoRun(ctx context.Context, opts *DemoOptions) error {
	if err := opts.check(); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "slackprov-demo-")
	if err != nil {
		return err
	}
	if opts.KeepDir {
		fmt.Fprintf(opts.IO.ErrOut, "Demo files are in %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	sample := sampledir.Options{Users: opts.Users, Groups: opts.Groups, Seed: 7}
	d := &demo{opts: opts, httpClient: &http.Client{Timeout: 30 * time.Second}}
	if err := json.Unmarshal(sampledir.JSON(sample), &d.people); err != nil {
		return fmt.Errorf("built-in sample directory: %w", err)
	}
	stopSlack, err := d.startSlack(dir)
	if err != nil {
		return err
	}
	defer stopSlack()
	stopSource, err := d.startSource(dir, sample)
	if err != nil {
		return err
	}
	defer stopSource()
	d.cfg.finish("")
	return d.story(ctx)
}

// startSlack serves the Slack emulator (rate limits on, on a clock sped up
// TimeScale times) and points a fresh profile at it.
func (d *demo) startSlack(dir string) (stop func(), err error) {
	opts := d.opts
	d.slack = slackscim.New(slackscim.Options{
		Token: EmulatorToken, TimeScale: opts.TimeScale, Now: opts.Now, Seed: demoSlackSeed(d.people),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", d.slack)
	mux.Handle("/scim/v1/", d.slack)
	mux.Handle("/api/", d.slack) // auth.test names the org the state is bound to
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)

	d.cfg = defaultConfig()
	d.cfg.Profile = "demo"
	d.cfg.Slack.SCIMURL = "http://" + ln.Addr().String() + "/scim/" + opts.SCIMVersion + "/"
	// The emulator's clock runs TimeScale times faster, so its limits are that
	// much higher.
	d.cfg.Slack.RateShare = opts.TimeScale
	d.cfg.StateDir = filepath.Join(dir, "state")
	return func() { srv.Close() }, nil
}

// startSource sets up the directory: a JSON file, or an emulated Entra
// tenant served over TLS.
func (d *demo) startSource(dir string, sample sampledir.Options) (stop func(), err error) {
	if d.opts.Source == "file" {
		path := filepath.Join(dir, "directory.json")
		if err := d.people.write(path); err != nil {
			return nil, err
		}
		d.cfg.Source.File.Path = path
		d.describe = "a directory file"
		d.change = func(c demoChanges) error {
			d.people.apply(c)
			return d.people.write(path)
		}
		return func() {}, nil
	}
	const tenant, secret = "demo-tenant", "demo-client-secret"
	directory := entraid.NewSample(entraid.Options{TenantID: tenant, ClientSecret: secret}, sampledir.JSON(sample))
	// azidentity insists on https, as Entra does; the test server's client
	// trusts its own certificate and serves plain http to Slack too.
	graph := httptest.NewUnstartedServer(directory)
	graph.StartTLS()
	d.httpClient = graph.Client()
	d.httpClient.Timeout = 30 * time.Second
	d.cfg.Source.Type = "entra"
	d.cfg.Source.Entra = EntraSourceConfig{TenantID: tenant, ClientID: "demo-client", AppID: directory.AppID(),
		Scope: "assigned", GraphURL: graph.URL, AuthorityHost: graph.URL}
	d.describe = "an emulated Entra tenant (Microsoft Graph over TLS, app assignments, delta queries)"
	d.change = func(c demoChanges) error { return c.applyEntra(directory) }
	return graph.Close, nil
}

// step runs one sync. Plan-time failures (the sample's messy records) are
// part of the show: the demo reports them like sync does but carries on.
func (d *demo) step(ctx context.Context, dryRun bool) error {
	err := syncRun(ctx, &SyncOptions{
		IO: d.opts.IO, Config: &d.cfg, HTTPClient: d.httpClient, Now: d.opts.Now,
		Token:  staticToken{EmulatorToken, "the demo's emulator"},
		DryRun: dryRun, Yes: true, Output: "text", MaxDeactivations: d.cfg.MaxDeactivations(), Workers: 4, ShowLimit: d.opts.Show,
		EntraSecret: "demo-client-secret",
	})
	if err != nil && exitCodeOf(err) == ExitError && ctx.Err() == nil {
		fmt.Fprintf(d.opts.IO.ErrOut, "(as expected with messy data: %v)\n", err)
		return nil
	}
	return err
}

func (d *demo) heading(format string, args ...any) {
	fmt.Fprintf(d.opts.IO.Out, "\n%s\n\n", views.Heading(fmt.Sprintf(format, args...), d.opts.IO.ColorEnabled()))
}

// story is the demo itself: plan, apply, nothing left, a change, its
// small follow-up plan and what that cost.
func (d *demo) story(ctx context.Context) error {
	out := d.opts.IO.Out
	fmt.Fprintf(out, "Slack emulator: %s (rate limits on, clock ×%g)\n", d.cfg.Slack.SCIMURL, d.opts.TimeScale)
	fmt.Fprintf(out, "Directory: %s with %d users and %d groups — accents, long names, missing fields,\n"+
		"a duplicate email, disabled accounts. Slack already has a few accounts of its own.\n", d.describe, len(d.people.Users), len(d.people.Groups))
	d.heading("1. slackprov sync --dry-run  (the plan, nothing changes)")
	if err := d.step(ctx, true); err != nil {
		return err
	}
	d.heading("2. slackprov sync --yes  (apply it)")
	start := time.Now()
	if err := d.step(ctx, false); err != nil {
		return err
	}
	fmt.Fprintf(out, "(applied in %s)\n", time.Since(start).Round(time.Millisecond))
	d.heading("3. slackprov sync --dry-run  (again: nothing left to do)")
	if err := d.step(ctx, true); err != nil {
		return err
	}
	changes := d.people.pickChanges()
	if err := d.change(changes); err != nil {
		return err
	}
	d.heading("4. The directory changes: %s", changes)
	if err := d.step(ctx, true); err != nil {
		return err
	}
	d.heading("5. slackprov sync --yes  (apply the follow-up)")
	d.slack.ResetStats()
	if err := d.step(ctx, false); err != nil {
		return err
	}
	st := d.slack.Stats()
	fmt.Fprintf(out, "\nThe follow-up sync cost %d Slack requests (%d reads, %d writes).\n", st.Total, st.Reads, st.Writes)
	fmt.Fprintln(out, "Next: `slackprov emulator` to try your own files, `slackprov sync --help` for the real thing.")
	return nil
}

// sampleDirectory is the demo's directory file, kept as generic JSON so the
// demo can change people the way an HR system would.
type sampleDirectory struct {
	Users  []map[string]any `json:"users"`
	Groups []map[string]any `json:"groups"`
}

func (d *sampleDirectory) write(path string) error {
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// demoChanges are the directory changes step 4 makes.
type demoChanges struct {
	promoted map[string]string // id → new title
	disabled []string
	left     string // id
	leftName string
}

const newHireID = "00000000-0000-4000-8000-00000000beef"

func (c demoChanges) String() string {
	return fmt.Sprintf("%d promotions, %d people disabled, %s left, 1 new hire", len(c.promoted), len(c.disabled), c.leftName)
}

// pickChanges chooses a handful of ordinary people to change.
func (d *sampleDirectory) pickChanges() demoChanges {
	titles := []string{"Staff Engineer", "Head of Sales Operations", "Principal Designer"}
	c := demoChanges{promoted: map[string]string{}}
	for i, u := range d.Users {
		enabled, _ := u["accountEnabled"].(bool)
		_, hasMail := u["mail"]
		id, _ := u["id"].(string)
		switch {
		case !enabled || !hasMail:
		case i%37 == 5 && len(c.promoted) < len(titles):
			c.promoted[id] = titles[len(c.promoted)]
		case i%41 == 7 && len(c.disabled) < 2:
			c.disabled = append(c.disabled, id)
		case i%43 == 11 && c.left == "":
			c.left = id
			c.leftName, _ = u["displayName"].(string)
		}
	}
	return c
}

func newHire() map[string]any {
	return map[string]any{
		"id": newHireID, "userPrincipalName": "new.hire@example.com",
		"mail": "new.hire@example.com", "givenName": "New", "surname": "Hire", "displayName": "New Hire",
		"jobTitle": "Engineer", "department": "Engineering", "accountEnabled": true,
	}
}

// apply makes the changes in the file's JSON.
func (d *sampleDirectory) apply(c demoChanges) {
	kept := d.Users[:0]
	for _, u := range d.Users {
		id, _ := u["id"].(string)
		if t, ok := c.promoted[id]; ok {
			u["jobTitle"] = t
		}
		for _, dis := range c.disabled {
			if dis == id {
				u["accountEnabled"] = false
			}
		}
		if id != c.left {
			kept = append(kept, u)
		}
	}
	d.Users = append(kept, newHire())
}

// applyEntra makes the changes in the emulated tenant, where the next sync
// reads them through Graph's delta queries.
func (c demoChanges) applyEntra(e *entraid.Tenant) error {
	for id, title := range c.promoted {
		if err := e.UpdateUser(id, func(u *entraid.User) { u.JobTitle = title }); err != nil {
			return err
		}
	}
	for _, id := range c.disabled {
		if err := e.DisableUser(id); err != nil {
			return err
		}
	}
	if err := e.DeleteUser(c.left); err != nil {
		return err
	}
	h := newHire()
	id := e.AddUser(entraid.User{ID: newHireID, UserPrincipalName: h["userPrincipalName"].(string), Mail: h["mail"].(string),
		GivenName: "New", Surname: "Hire", DisplayName: "New Hire", JobTitle: "Engineer", Department: "Engineering", AccountEnabled: true})
	return e.AssignUser(id)
}

// demoSlackSeed gives the emulated org a few accounts slackprov does not own,
// and a deactivated account for one directory user: a returning employee.
func demoSlackSeed(d sampleDirectory) *slackscim.Seed {
	inactive := false
	seed := &slackscim.Seed{Users: []slackscim.SeedUser{
		{UserName: "it.helpdesk", Email: "it.helpdesk@example.com", GivenName: "IT", FamilyName: "Helpdesk", DisplayName: "IT Helpdesk"},
		{UserName: "contractor.lee", Email: "lee@contractor.example.net", GivenName: "Lee", FamilyName: "Contractor", DisplayName: "Lee (contractor)"},
	}}
	for _, u := range d.Users[10:] {
		mail, _ := u["mail"].(string)
		enabled, _ := u["accountEnabled"].(bool)
		if mail == "" || !enabled {
			continue
		}
		given, _ := u["givenName"].(string)
		sur, _ := u["surname"].(string)
		seed.Users = append(seed.Users, slackscim.SeedUser{
			UserName: "returning.employee", Email: mail, GivenName: given, FamilyName: sur, DisplayName: given + " " + sur, Active: &inactive,
		})
		break
	}
	return seed
}
