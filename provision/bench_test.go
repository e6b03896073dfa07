package provision

import (
	"fmt"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slackprov/slackprov/mapping"

	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
)

// benchInput is a synced org of n users where 1% changed in the directory.
func benchInput(b *testing.B, n int) Input {
	snap := company(n, n/100)
	users := make([]*scim.User, 0, n)
	links := make(map[string]string, n)
	for i := range snap.Users {
		u := snap.Users[i]
		id := fmt.Sprintf("U%09d", i)
		s := synced(id, u)
		s.Enterprise = &scim.Enterprise{Department: u.Department, EmployeeNumber: u.EmployeeID}
		if i > 0 {
			s.Enterprise.Manager = &scim.Manager{ManagerID: fmt.Sprintf("U%09d", (i-1)/10)}
		}
		users = append(users, s)
		links[u.ID] = id
	}
	for i := 0; i < n; i += 100 {
		snap.Users[i].JobTitle = "Changed"
	}
	var groups []*scim.Group
	groupLinks := map[string]string{}
	for _, g := range snap.Groups {
		sg := &scim.Group{ID: "S" + g.ID, DisplayName: g.DisplayName}
		for _, m := range g.Members {
			sg.Members = append(sg.Members, scim.Ref{Value: links[m]})
		}
		groups = append(groups, sg)
		groupLinks[g.ID] = sg.ID
	}
	return Input{Snapshot: snap, SlackUsers: users, SlackGroups: groups, UserLinks: links, GroupLinks: groupLinks,
		Mapping: defaults(b), MaxDeactivations: 50, Now: time.Now()}
}

// usage is the process's CPU time (user + system) and minor page faults so
// far: on a shared machine CPU time, unlike wall time, is not inflated by
// other processes, and the faults show how much of it is the kernel handing
// out fresh memory.
func usage(b *testing.B) (cpu, sys time.Duration, faults int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), time.Duration(ru.Stime.Nano()), ru.Minflt
}

func benchmarkBuild(b *testing.B, n int) { benchmarkPlans(b, n, benchInput(b, n)) }

// benchmarkPlans plans in, an org of n users, b.N times.
func benchmarkPlans(b *testing.B, n int, in Input) {
	b.ReportAllocs()
	b.ResetTimer()
	var cpu, sys time.Duration
	var faults int64
	var p *Plan
	for i := 0; i < b.N; i++ {
		// Each plan starts on a heap handed back to the kernel, as the one
		// plan of a sync does. A plan run again would reuse the memory the
		// one before faulted in: a small org's benchmark, which runs many,
		// would be spared what a big org's, which runs one, pays.
		b.StopTimer()
		debug.FreeOSMemory()
		cpu0, sys0, faults0 := usage(b)
		b.StartTimer()
		p = Build(in)
		b.StopTimer()
		cpu1, sys1, faults1 := usage(b)
		cpu, sys, faults = cpu+cpu1-cpu0, sys+sys1-sys0, faults+faults1-faults0
		b.StartTimer()
	}
	b.StopTimer()
	perUser := float64(b.N) * float64(n)
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(cpu.Nanoseconds())/perUser, "cpu-ns/user")
	b.ReportMetric(float64(sys.Nanoseconds())/perUser, "sys-ns/user")
	b.ReportMetric(float64(faults)/perUser, "faults/user")
	if got := userOps(p)[ActionUpdate]; got != n/100 {
		b.Fatalf("planned %d updates, want %d", got, n/100)
	}
}

// BenchmarkBuild10k and BenchmarkBuild100k measure planning alone (reading the
// directory and Slack is measured apart); bench/plan.sh adds peak memory.
func BenchmarkBuild10k(b *testing.B)  { benchmarkBuild(b, 10_000) }
func BenchmarkBuild100k(b *testing.B) { benchmarkBuild(b, 100_000) }

// BenchmarkBuild100kDirectMapping plans the same org with the default
// mapping's two expressions (userName, active) replaced by direct mappings,
// so the difference to BenchmarkBuild100k is what the expression engine adds.
func BenchmarkBuild100kDirectMapping(b *testing.B) {
	in := benchInput(b, 100_000)
	m := mapping.Default()
	for i := range m.Users {
		switch m.Users[i].Target {
		case schema.UserName:
			m.Users[i] = mapping.Attribute{Target: schema.UserName, Type: mapping.TypeDirect, Source: "userName", Match: 2}
		case schema.Active:
			m.Users[i] = mapping.Attribute{Target: schema.Active, Type: mapping.TypeDirect, Source: "active"}
		}
	}
	c, err := m.Compile()
	if err != nil {
		b.Fatal(err)
	}
	in.Mapping = c
	for i := range in.Snapshot.Users {
		u := &in.Snapshot.Users[i]
		u.Extra = map[string]string{"userName": strings.Split(u.UserPrincipalName, "@")[0], "active": "True"}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Build(in)
	}
}

// BenchmarkBuild300k and BenchmarkBuild1M show how planning scales: time and
// memory per user should stay flat from 100k up.
func BenchmarkBuild300k(b *testing.B) { benchmarkBuild(b, 300_000) }
func BenchmarkBuild1M(b *testing.B)   { benchmarkBuild(b, 1_000_000) }
