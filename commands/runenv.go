package commands

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/directory/entra"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
)

// runEnv is what a run needs from this machine: the profile's Slack
// client, state and identity. The run itself is the engine's.
type runEnv struct {
	cfg         *Config
	httpClient  *http.Client
	client      *scim.Client
	st          *store.Store
	org         slackOrg
	dirID       string
	tokenSource string
	meter       *provision.Meter
	reporter    provision.Reporter
}

// openRunEnv builds the Slack client (observed by a meter that feeds the
// reporter), opens the state and asks Slack which org the token reaches.
func openRunEnv(ctx context.Context, cfg *Config, hc *http.Client, ts TokenSource, rep provision.Reporter) (*runEnv, error) {
	meter := &provision.Meter{Next: observeRequests(rep)}
	client, err := scimClient(ctx, cfg, hc, ts, meter.Observe)
	if err != nil {
		return nil, err
	}
	org, err := whichOrg(ctx, cfg, hc, ts)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &runEnv{cfg: cfg, httpClient: hc, client: client, st: st, org: org, dirID: directoryIdentity(cfg),
		tokenSource: ts.Location(), meter: meter, reporter: rep}, nil
}

func (e *runEnv) close() { e.st.Close() }

// options are the run's options without a directory read (a saved plan).
func (e *runEnv) options(maxDeactivations, workers int, now func() time.Time) provision.RunOptions {
	return provision.RunOptions{
		Store: e.st, Slack: e.client, SlackName: e.cfg.Slack.SCIMURL,
		Binding:          store.Binding{SlackOrg: e.org.ID, SlackOrgName: e.org.Name, Directory: e.dirID},
		MaxDeactivations: maxDeactivations, Workers: workers, Now: now, Reporter: e.reporter, Meter: e.meter,
	}
}

// runChoices are what a command chooses for a run that reads the directory.
type runChoices struct {
	Full, DryRun              bool
	MaxDeactivations, Workers int
	Now                       func() time.Time
	// EntraSecret is the Entra app's secret when not in AZURE_CLIENT_SECRET.
	EntraSecret string
}

// readOptions are the options of a run that reads the directory: the
// mapping, checked against the target, and the configured source.
func (e *runEnv) readOptions(opts runChoices) (provision.RunOptions, error) {
	ro := e.options(opts.MaxDeactivations, opts.Workers, opts.Now)
	spec, err := mappingSpec(e.cfg)
	if err != nil {
		return ro, err
	}
	m, err := compileMapping(e.cfg, spec)
	if err != nil {
		return ro, err
	}
	if err := checkTargetMapping(e.cfg, e.client, m); err != nil {
		return ro, err
	}
	fp, err := fingerprint(e.cfg, spec)
	if err != nil {
		return ro, err
	}
	ro.Mapping, ro.Full, ro.DryRun = m, opts.Full, opts.DryRun
	ro.CheckSnapshot = func(snap *directory.Snapshot) error { return checkAttributeNames(m, snap.Vocabulary) }
	ro.OpenSource = func(req provision.SourceRequest) (directory.Source, error) {
		return openSource(e.cfg, sourceOptions{Store: e.st, Full: req.Full, Select: m.SourceAttributes(), HTTPClient: e.httpClient,
			EntraSecret: opts.EntraSecret, Fingerprint: fp, Retry: entra.Retry{Users: req.RetryUsers, Groups: req.RetryGroups}})
	}
	return ro, nil
}

// open starts the run: the state's lock, and its binding to this org and
// directory, worded for this profile when it does not hold.
func (e *runEnv) open(ctx context.Context, ro provision.RunOptions) (*provision.Run, error) {
	run, err := provision.OpenRun(ctx, ro)
	var be *provision.BindingError
	if !errors.As(err, &be) {
		return run, err
	}
	var what string
	if be.OrgMismatch() {
		what = fmt.Sprintf("the token reaches Slack org %s, but this profile's state (%s) belongs to Slack org %s",
			e.org, e.st.Path(), slackOrg{ID: be.Bound.SlackOrg, Name: be.Bound.SlackOrgName})
	} else {
		what = fmt.Sprintf("the profile reads directory %q, but its state (%s) belongs to directory %q", e.dirID, e.st.Path(), be.Bound.Directory)
	}
	profile := e.cfg.Profile
	return nil, refused(fmt.Errorf("%s; nothing was changed. Use another profile for it (--profile NAME; each profile has its own state), "+
		"or, if profile %q should now serve it, forget the old state with `slackprov --profile %s state reset`", what, profile, profile))
}
