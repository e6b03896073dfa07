package provision

import "testing"

// BenchmarkBuildFirstSync100k and BenchmarkBuildFirstSync1M plan the first
// sync of an org whose Slack accounts already exist: no links in the store,
// every user found by the externalId an earlier tool set.
func BenchmarkBuildFirstSync100k(b *testing.B) { benchmarkFirstSync(b, 100_000) }
func BenchmarkBuildFirstSync1M(b *testing.B)   { benchmarkFirstSync(b, 1_000_000) }

func benchmarkFirstSync(b *testing.B, n int) {
	in := benchInput(b, n)
	in.UserLinks, in.GroupLinks = map[string]string{}, map[string]string{}
	benchmarkPlans(b, n, in)
}
