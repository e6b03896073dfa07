package commands

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/directory/entra"
	"github.com/slackprov/slackprov/mapping"
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
// reporter), asks Slack which org the token reaches and opens the state.
func openRunEnv(ctx context.Context, cfg *Config, hc *http.Client, ts TokenSource, rep provision.Reporter) (*runEnv, error) {
	e, err := newRunEnv(ctx, cfg, hc, ts, rep)
	if err != nil {
		return nil, err
	}
	if err := e.connect(ctx, ts); err != nil {
		return nil, err
	}
	return e, nil
}

// newRunEnv is openRunEnv's first half: the Slack client only.
func newRunEnv(ctx context.Context, cfg *Config, hc *http.Client, ts TokenSource, rep provision.Reporter) (*runEnv, error) {
	meter := &provision.Meter{Next: observeRequests(rep)}
	client, err := scimClient(ctx, cfg, hc, ts, meter.Observe)
	if err != nil {
		return nil, err
	}
	return &runEnv{cfg: cfg, httpClient: hc, client: client, dirID: directoryIdentity(cfg),
		tokenSource: ts.Location(), meter: meter, reporter: rep}, nil
}

// connect names the org (auth.test) and opens the state.
func (e *runEnv) connect(ctx context.Context, ts TokenSource) error {
	org, err := whichOrg(ctx, e.cfg, e.httpClient, ts)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, e.cfg)
	if err != nil {
		return err
	}
	e.org, e.st = org, st
	return nil
}

func (e *runEnv) close() {
	if e.st != nil {
		e.st.Close()
	}
}

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

// syncMapping is the configured mapping, compiled and checked against
// the target, and its fingerprint.
type syncMapping struct {
	compiled    *mapping.Compiled
	fingerprint string
}

// loadMapping compiles the configured mapping before anything is read, so
// a mistake in it is the first thing said.
func (e *runEnv) loadMapping() (syncMapping, error) {
	spec, err := mappingSpec(e.cfg)
	if err != nil {
		return syncMapping{}, err
	}
	m, err := compileMapping(e.cfg, spec)
	if err != nil {
		return syncMapping{}, err
	}
	if err := checkTargetMapping(e.cfg, e.client, m); err != nil {
		return syncMapping{}, err
	}
	fp, err := fingerprint(e.cfg, spec)
	return syncMapping{m, fp}, err
}

// readOptions are the options of a run that reads the directory: the
// mapping, checked against the target, and the configured source.
func (e *runEnv) readOptions(opts runChoices) (provision.RunOptions, error) {
	sm, err := e.loadMapping()
	if err != nil {
		return provision.RunOptions{}, err
	}
	return e.withMapping(opts, sm), nil
}

// withMapping are the options of a run that reads the directory through
// the configured source with a loaded mapping.
func (e *runEnv) withMapping(opts runChoices, sm syncMapping) provision.RunOptions {
	ro := e.options(opts.MaxDeactivations, opts.Workers, opts.Now)
	m := sm.compiled
	ro.Mapping, ro.Full, ro.DryRun = m, opts.Full, opts.DryRun
	ro.CheckSnapshot = func(snap *directory.Snapshot) error { return checkAttributeNames(m, snap.Vocabulary) }
	ro.OpenSource = func(req provision.SourceRequest) (directory.Source, error) {
		return openSource(e.cfg, sourceOptions{Store: e.st, Full: req.Full, Select: m.SourceAttributes(), HTTPClient: e.httpClient,
			EntraSecret: opts.EntraSecret, Fingerprint: sm.fingerprint, Retry: entra.Retry{Users: req.RetryUsers, Groups: req.RetryGroups}})
	}
	return ro
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
