package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/emulator"
)

// DemoOptions is everything `slackprov demo` needs.
type DemoOptions struct {
	IO        *IOStreams
	Now       func() time.Time
	Users     int
	Groups    int
	TimeScale float64
	Show      int
	// KeepDir keeps the temporary state dir for inspection.
	KeepDir bool
}

func newDemoCmd(f *Factory) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run a whole sync against the built-in Slack emulator and a sample directory",
		Description: `Needs no Slack account. Starts the Slack emulator (rate limits on, on a sped-up
clock), writes a sample directory with realistic, messy data, and then:
  1. shows the dry-run plan,  2. applies it,  3. syncs again to show nothing is left,
  4. changes a few people in the directory and shows and applies the small follow-up plan.
It leaves nothing behind outside a temporary folder, which it removes.`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "users", Value: 300, Usage: "sample directory size"},
			&cli.IntFlag{Name: "groups", Value: 8, Usage: "sample group count"},
			&cli.Float64Flag{Name: "time-scale", Value: 60, Usage: "run Slack's rate limits `X` times faster"},
			&cli.IntFlag{Name: "show", Value: 12, Usage: "operations to print per plan"},
			&cli.BoolFlag{Name: "keep", Usage: "keep the temporary folder (state, directory file) and print its path"},
		},
		Action: func(c *cli.Context) error {
			return demoRun(c.Context, &DemoOptions{IO: f.IO, Now: f.Now, Users: c.Int("users"), Groups: c.Int("groups"),
				TimeScale: c.Float64("time-scale"), Show: c.Int("show"), KeepDir: c.Bool("keep")})
		},
	}
}

func demoRun(ctx context.Context, opts *DemoOptions) error {
	if opts.Users < 20 {
		return fmt.Errorf("--users %d: the demo needs at least 20", opts.Users)
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
	ios := opts.IO
	heading := func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		if ios.ColorEnabled() {
			line = "\x1b[1m" + line + "\x1b[0m"
		}
		fmt.Fprintf(ios.Out, "\n%s\n\n", line)
	}

	dirJSON := emulator.SampleDirectoryJSON(emulator.SampleOptions{Users: opts.Users, Groups: opts.Groups, Seed: 7})
	var people sampleDirectory
	if err := json.Unmarshal(dirJSON, &people); err != nil {
		return fmt.Errorf("built-in sample directory: %w", err)
	}
	dirPath := filepath.Join(dir, "directory.json")
	if err := people.write(dirPath); err != nil {
		return err
	}

	slack := emulator.NewSlack(emulator.SlackOptions{
		Token: EmulatorToken, TimeScale: opts.TimeScale, Now: opts.Now, Seed: demoSlackSeed(people),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", slack)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	cfg := defaultConfig()
	cfg.Profile = "demo"
	cfg.Slack.SCIMURL = "http://" + ln.Addr().String() + "/scim/v2/"
	// The emulator's clock runs TimeScale times faster, so its limits are that
	// much higher; keep the same 80% share of them.
	cfg.Slack.RateShare = 0.8 * opts.TimeScale
	cfg.Source.File.Path = dirPath
	cfg.StateDir = filepath.Join(dir, "state")
	cfg.finish("")

	sync := func(dryRun bool) error {
		return syncRun(ctx, &SyncOptions{
			IO: ios, Config: &cfg, HTTPClient: &http.Client{Timeout: 30 * time.Second}, Now: opts.Now,
			Token:  staticToken{EmulatorToken, "the demo's emulator"},
			DryRun: dryRun, Yes: true, Output: "text", MaxDeactivations: cfg.MaxDeactivations(), Workers: 4, ShowLimit: opts.Show,
		})
	}
	// Plan-time failures (the sample's messy records) are part of the show:
	// the demo reports them like sync does but carries on.
	step := func(dryRun bool) error {
		err := sync(dryRun)
		if err != nil && exitCodeOf(err) == ExitError && ctx.Err() == nil {
			fmt.Fprintf(ios.ErrOut, "(as expected with messy data: %v)\n", err)
			return nil
		}
		return err
	}

	fmt.Fprintf(ios.Out, "Slack emulator: %s (rate limits on, clock ×%g)\n", cfg.Slack.SCIMURL, opts.TimeScale)
	fmt.Fprintf(ios.Out, "Sample directory: %d users, %d groups, with accents, long names, missing fields,\n"+
		"a duplicate email and disabled accounts. Slack already has a few accounts of its own.\n", len(people.Users), len(people.Groups))

	heading("1. slackprov sync --dry-run  (the plan, nothing changes)")
	if err := step(true); err != nil {
		return err
	}
	heading("2. slackprov sync --yes  (apply it)")
	start := time.Now()
	if err := step(false); err != nil {
		return err
	}
	fmt.Fprintf(ios.Out, "(applied in %s)\n", time.Since(start).Round(time.Millisecond))

	heading("3. slackprov sync --dry-run  (again: nothing left to do but the records that need fixing)")
	if err := step(true); err != nil {
		return err
	}

	changes := people.mutate()
	if err := people.write(dirPath); err != nil {
		return err
	}
	heading("4. The directory changes: %s", changes)
	if err := step(true); err != nil {
		return err
	}
	heading("5. slackprov sync --yes  (apply the follow-up)")
	if err := step(false); err != nil {
		return err
	}
	st := slack.Stats()
	fmt.Fprintf(ios.Out, "\nThe emulator answered %d requests (%d reads, %d writes) and returned %d rate-limit 429s.\n",
		st.Total, st.Reads, st.Writes, st.TooManyRequests)
	fmt.Fprintln(ios.Out, "Next: `slackprov emulator` to try your own files, `slackprov sync --help` for the real thing.")
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

// mutate applies a handful of realistic directory changes and says what they were.
func (d *sampleDirectory) mutate() string {
	titles := []string{"Staff Engineer", "Head of Sales Operations", "Principal Designer"}
	promoted, disabled := 0, 0
	var removed string
	kept := d.Users[:0]
	for i, u := range d.Users {
		enabled, _ := u["accountEnabled"].(bool)
		_, hasMail := u["mail"]
		switch {
		case !enabled || !hasMail:
		case i%37 == 5 && promoted < len(titles):
			u["jobTitle"] = titles[promoted]
			promoted++
		case i%41 == 7 && disabled < 2:
			u["accountEnabled"] = false
			disabled++
		case i%43 == 11 && removed == "":
			removed, _ = u["displayName"].(string)
			continue
		}
		kept = append(kept, u)
	}
	d.Users = append(kept, map[string]any{
		"id": "00000000-0000-4000-8000-00000000beef", "userPrincipalName": "new.hire@example.com",
		"mail": "new.hire@example.com", "givenName": "New", "surname": "Hire", "displayName": "New Hire",
		"jobTitle": "Engineer", "department": "Engineering", "accountEnabled": true,
	})
	return fmt.Sprintf("%d promotions, %d people disabled, %s left, 1 new hire", promoted, disabled, removed)
}

// demoSlackSeed gives the emulated org a few accounts slackprov does not own,
// and a deactivated account for one directory user: a returning employee.
func demoSlackSeed(d sampleDirectory) *emulator.SlackSeed {
	inactive := false
	seed := &emulator.SlackSeed{Users: []emulator.SeedUser{
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
		seed.Users = append(seed.Users, emulator.SeedUser{
			UserName: "returning.employee", Email: mail, GivenName: given, FamilyName: sur, DisplayName: given + " " + sur, Active: &inactive,
		})
		break
	}
	return seed
}
