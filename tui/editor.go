package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/slackprov/slackprov/mapping"
)

// EditorOptions configure the mapping editor.
type EditorOptions struct {
	// Path is the mapping file to edit. A file that does not exist yet
	// starts from the built-in Slack defaults and is created on save.
	Path string
	// Samples are directory users for the preview; SamplesNote says why
	// there are none, when there are none.
	Samples     []Sample
	SamplesNote string
	// SourceAttributes complete the source field: the directory's
	// attribute names.
	SourceAttributes []string
	// Known, when set, makes source attributes the directory does not
	// have errors, with the closest name it has.
	Known *mapping.Known
	// Payload turns mapped values into the SCIM body Slack receives on
	// create; nil shows the values as a flat JSON object.
	Payload func(values map[string]string) any
	// Renderer styles the output; nil uses lipgloss's default renderer.
	Renderer *lipgloss.Renderer
}

// mode is what has the keys: the tab in front (modeTable), or an
// overlay the editor puts over it.
type mode int

const (
	modeTable mode = iota
	modeForm
	modeSearch
	modeConfirmQuit
	modeHelp
	modeClause
	modeImpact
)

const (
	tabUsers = iota
	tabGroups
	tabScoping
)

var tabNames = []string{"Users", "Groups", "Scoping"}

// doc is the mapping being edited, with what every tab shares: its saved
// state, the undo stack and the status line.
type doc struct {
	lists, saved [2]list
	// switches are Entra's switches of the user and group mappings.
	switches, savedSwitches [2]mapping.Switches
	// scope is the scoping filters being edited (users, groups).
	scope, savedScope [2]scopeList
	undo              []deleted

	status      string
	statusIsErr bool
}

func (d *doc) setStatus(format string, args ...any) {
	d.status, d.statusIsErr = fmt.Sprintf(format, args...), false
}

func (d *doc) setError(format string, args ...any) {
	d.status, d.statusIsErr = fmt.Sprintf(format, args...), true
}

// Editor is the bubbletea model of `slackprov mappings edit`. It holds
// the mapping being edited and composes the tabs, the overlays (the forms,
// the sample picker, the impact list, help and the quit prompt) and the
// preview pane.
type Editor struct {
	opts   EditorOptions
	st     styles
	keys   editorKeys
	exists bool
	// orig is the file content the rows' positions refer to; written is
	// the content last saved, if any.
	orig, written []byte

	doc
	tab     int
	mode    mode
	table   *tableTab
	scoping *scopingTab

	form    *form
	clause  *clauseForm
	picker  *samplePicker
	preview *previewPane
	sample  int

	saveErrs []string

	width, height int
	// layout is the frame's division, set in Update for View.
	layout layout
	quit   bool

	derived derived

	impactCache   impactCache
	impactRunning string // the edit a background measurement is for
	impactScroll  int
}

// MappingFile is a mapping file as read before the editor starts: its
// content, or that it does not exist yet.
type MappingFile struct {
	Content []byte
	Exists  bool
}

// ReadMappingFile reads the file the editor is to open; one that does not
// exist is not an error (the editor starts from the defaults).
func ReadMappingFile(path string) (MappingFile, error) {
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		return MappingFile{Content: data, Exists: true}, nil
	case errors.Is(err, fs.ErrNotExist):
		return MappingFile{}, nil
	}
	return MappingFile{}, fmt.Errorf("reading mapping file: %w", err)
}

// NewEditor opens the editor on the file as read. A file that exists but
// does not load is an error: the editor only ever holds valid mappings it
// can show, and the message says where the file is wrong.
func NewEditor(opts EditorOptions, file MappingFile) (*Editor, error) {
	e := &Editor{opts: opts, keys: newEditorKeys(), width: 80, height: 24}
	r := opts.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	e.st = newStyles(r)
	m := mapping.Default()
	if file.Exists {
		var err error
		if m, err = mapping.Parse(opts.Path, file.Content); err != nil {
			return nil, fmt.Errorf("%w\nfix the file first (`slackprov mappings validate` lists every problem), then run the editor again", err)
		}
		e.exists, e.orig = true, file.Content
		e.status = "Loaded " + opts.Path
	} else {
		e.status = opts.Path + " does not exist yet: these are the built-in Slack defaults; ctrl+s creates it"
	}
	e.lists = [2]list{newList(m.Users), newList(m.Groups)}
	e.saved = [2]list{e.lists[0].clone(), e.lists[1].clone()}
	e.loadScope(m)
	e.table = newTableTab(e.st, e.keys, &e.doc, e, opts)
	e.scoping = newScopingTab(e.st, e.keys, &e.doc, e, opts.Known)
	e.picker = newSamplePicker(e.st, opts.Samples)
	e.preview = newPreviewPane(e.st, e.keys, opts, e.samplesNote())
	e.derive()
	e.arrange()
	return e, nil
}

// Dirty reports whether there are changes that are not on disk.
func (e *Editor) Dirty() bool {
	return !e.exists || !e.lists[0].sameAs(e.saved[0]) || !e.lists[1].sameAs(e.saved[1]) || e.switches != e.savedSwitches ||
		!mapping.SameFilters(e.scope[0].filters(), e.savedScope[0].filters()) || !mapping.SameFilters(e.scope[1].filters(), e.savedScope[1].filters())
}

func (e *Editor) loadScope(m *mapping.Mapping) {
	e.scope = [2]scopeList{newScopeList(m.UserScope), newScopeList(m.GroupScope)}
	e.savedScope = [2]scopeList{e.scope[0].clone(), e.scope[1].clone()}
	e.switches = [2]mapping.Switches{m.UserSwitches, m.GroupSwitches}
	e.savedSwitches = e.switches
}

// textMode reports whether keys go to a text input.
func (e *Editor) textMode() bool {
	switch e.mode {
	case modeForm, modeSearch, modeClause:
		return true
	case modeTable:
		return e.front().typing()
	}
	return false
}

// tabComponent is a tab: a component that may take text (the table's
// filter, the scoping tab's name prompt) and draws its own footer.
type tabComponent interface {
	component
	typing() bool
	// closeText applies the text being typed before a save; it reports
	// false when that is refused.
	closeText() bool
	footer(w int) string
}

// front is the tab in front.
func (e *Editor) front() tabComponent {
	if e.tab == tabScoping {
		return e.scoping
	}
	return e.table
}

// setTab brings tab i to the front.
func (e *Editor) setTab(i int) {
	e.tab = i
	if i != tabScoping {
		e.table.kind = i
	}
}

// commitOpen applies an open form or prompt before a save; it reports
// false when that is refused (the form stays open and says why).
func (e *Editor) commitOpen() bool {
	switch e.mode {
	case modeForm:
		return e.commitForm()
	case modeClause:
		return e.commitClause()
	case modeTable:
		// Naming a new filter opens the form for its first clause.
		return e.front().closeText() && e.mode == modeTable
	}
	return true
}

// Mapping returns the mapping as edited so far.
func (e *Editor) Mapping() *mapping.Mapping {
	return &mapping.Mapping{Version: mapping.Version, Users: e.lists[0].attrs(), Groups: e.lists[1].attrs(),
		UserScope: e.scope[0].filters(), GroupScope: e.scope[1].filters(), File: e.opts.Path,
		UserSwitches: e.switches[0], GroupSwitches: e.switches[1]}
}

// Init implements tea.Model.
func (e *Editor) Init() tea.Cmd { return nil }

// Update implements tea.Model. After every message it starts measuring
// the impact of the edits on a large directory, if they changed.
func (e *Editor) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m, ok := msg.(impactMsg); ok {
		if m.editedKey == e.impactRunning {
			e.impactRunning = ""
		}
		e.storeImpact(m)
	}
	model, cmd := e.update(msg)
	if measure := e.impactCmd(); measure != nil {
		cmd = tea.Batch(cmd, measure)
	}
	e.derive()
	e.arrange()
	return model, cmd
}

func (e *Editor) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		e.width, e.height = msg.Width, msg.Height
		return e, nil
	case savedMsg:
		return e, e.finishSave(msg)
	case tea.KeyMsg:
		// Keys typed faster than they are read arrive as one message
		// ("jjj"); outside text inputs each is a command of its own.
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !e.textMode() {
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				_, cmd := e.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
				cmds = append(cmds, cmd)
			}
			return e, tea.Sequence(cmds...)
		}
		if msg.String() == "ctrl+s" && e.mode != modeConfirmQuit {
			if !e.commitOpen() {
				return e, nil
			}
			e.mode = modeTable
			return e, e.save(false)
		}
		switch e.mode {
		case modeForm:
			return e, e.updateForm(msg)
		case modeClause:
			return e, e.updateClause(msg)
		case modeSearch:
			return e, e.updateSearch(msg)
		case modeConfirmQuit:
			return e, e.updateConfirm(msg)
		case modeHelp:
			e.mode = modeTable
			return e, nil
		case modeImpact:
			return e, e.updateImpact(msg)
		}
		return e, e.updateTable(msg)
	}
	switch e.mode {
	case modeForm:
		return e, e.form.Update(msg)
	case modeClause:
		return e, e.clause.Update(msg)
	case modeTable:
		return e, e.front().Update(msg)
	}
	return e, nil
}

// updateTable handles the keys of the tab in front: the keys every tab
// shares, then the tab's own; while the tab takes text, all go to it.
func (e *Editor) updateTable(msg tea.KeyMsg) tea.Cmd {
	front := e.front()
	if front.typing() {
		return front.Update(msg)
	}
	if cmd, ok := e.updateGlobal(msg); ok {
		return cmd
	}
	return e.front().Update(msg)
}

// updateGlobal handles the keys every tab shares: quit, help, tabs, the
// impact list and the sample picker. ok reports whether msg was one.
func (e *Editor) updateGlobal(msg tea.KeyMsg) (cmd tea.Cmd, ok bool) {
	k := e.keys
	switch {
	case key.Matches(msg, k.Quit):
		if e.Dirty() {
			e.mode = modeConfirmQuit
			return nil, true
		}
		e.quit = true
		return tea.Quit, true
	case key.Matches(msg, k.Help):
		e.mode = modeHelp
	case key.Matches(msg, k.NextTab):
		e.setTab((e.tab + 1) % len(tabNames))
	case key.Matches(msg, k.PrevTab):
		e.setTab((e.tab + len(tabNames) - 1) % len(tabNames))
	case msg.String() == "1" || msg.String() == "2" || msg.String() == "3":
		e.setTab(int(msg.String()[0] - '1'))
	case key.Matches(msg, k.Impact):
		if len(e.opts.Samples) == 0 {
			e.setError("no directory users to measure the impact on: %s", e.samplesNote())
			return nil, true
		}
		e.mode, e.impactScroll = modeImpact, 0
	case key.Matches(msg, k.Pick):
		if len(e.opts.Samples) == 0 {
			e.setError("no directory users to preview with: %s", e.samplesNote())
			return nil, true
		}
		e.mode = modeSearch
		return e.picker.open(), true
	default:
		return nil, false
	}
	return nil, true
}

// undoDelete puts back the most recent delete of the current tab (or any
// tab, if this one has none), where it was.
func (e *Editor) undoDelete() {
	if len(e.undo) == 0 {
		e.setStatus("Nothing to undo")
		return
	}
	d := e.undo[len(e.undo)-1]
	e.undo = e.undo[:len(e.undo)-1]
	if d.scope != nil {
		e.undoScope(*d.scope)
		return
	}
	e.setTab(d.tab)
	e.lists[d.tab].insert(d.index, d.row)
	e.table.selectRow(d.index)
	e.setStatus("Restored %s", d.row.attr.Target)
}

func (e *Editor) targets() []string {
	if e.tab == tabGroups {
		return mapping.GroupTargetPaths()
	}
	return mapping.UserTargetPaths()
}

func (e *Editor) sources() []string {
	return mergeNames(e.opts.SourceAttributes, []string{mapping.SourceIsSoftDeleted})
}

func (e *Editor) samplesNote() string {
	if e.opts.SamplesNote != "" {
		return e.opts.SamplesNote
	}
	return "the configured directory has no users"
}

// openForm opens the mapping form on row index of the table in front, or
// on a new entry (index -1).
func (e *Editor) openForm(index int) tea.Cmd {
	r := row{orig: -1}
	if index >= 0 {
		r = e.lists[e.table.kind].rows[index]
	}
	e.form = newForm(e.st, e.tab == tabGroups, index, r, e.targets(), e.sources(), e.opts.Known)
	e.mode = modeForm
	return textinput.Blink
}

func (e *Editor) updateForm(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, e.form.keys.Cancel):
		e.mode, e.form = modeTable, nil
		e.setStatus("Edit cancelled")
		return nil
	case key.Matches(msg, e.form.keys.Apply):
		e.commitForm()
		return nil
	}
	return e.form.Update(msg)
}

// commitForm applies the form to the list if the entry is valid, else
// shows its problems in the form and keeps it open.
func (e *Editor) commitForm() bool {
	f := e.form
	if msg := f.matchError(); msg != "" {
		f.problems = []problem{{entry: -1, msg: msg}}
		return false
	}
	next, idx := e.formList()
	if ps := entryProblems(f.groups, next.attrs(), idx, e.opts.Known); len(ps) > 0 {
		f.problems = ps
		return false
	}
	e.lists[min(e.tab, 1)] = next
	r := next.rows[idx]
	e.table.selectRow(idx)
	e.mode, e.form = modeTable, nil
	e.setStatus("Changed %s — ctrl+s saves", r.attr.Target)
	return true
}

// formList is the current list with the form's entry in place, its
// matching precedence taken as asked and the others moved to make room,
// and the entry's index.
func (e *Editor) formList() (list, int) {
	next := e.lists[min(e.tab, 1)].clone()
	r := row{attr: e.form.attr(), orig: e.form.orig}
	idx := e.form.index
	if idx >= 0 {
		next.rows[idx] = r
	} else {
		idx = len(next.rows)
		next.rows = append(next.rows, r)
	}
	if r.attr.Match > 0 {
		next.renumberKeeping(idx)
	}
	return next, idx
}

func (e *Editor) updateSearch(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, e.picker.keys.Back):
		e.picker.input.Blur()
		e.mode = modeTable
		return nil
	case key.Matches(msg, e.picker.keys.Choose):
		if i, ok := e.picker.chosen(); ok {
			e.sample = i
			e.setStatus("Previewing %s", e.opts.Samples[e.sample].label())
		}
		e.picker.input.Blur()
		e.mode = modeTable
		return nil
	}
	return e.picker.Update(msg)
}

func (e *Editor) updateConfirm(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "y", "s":
		e.mode = modeTable
		return e.save(true)
	case "n", "d":
		e.quit = true
		return tea.Quit
	case "esc", "c", "q":
		e.mode = modeTable
		e.setStatus("Still editing")
	}
	return nil
}

// renumberKeeping makes precedences distinct and contiguous; the row just
// edited keeps the precedence it was given, pushing others later.
func (l *list) renumberKeeping(keep int) {
	want := l.rows[keep].attr.Match
	for i := range l.rows {
		if i != keep && l.rows[i].attr.Match >= want {
			l.rows[i].attr.Match++
		}
	}
	l.renumber()
}
