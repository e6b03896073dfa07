package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func memberIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("U%06d", i)
	}
	return ids
}

func TestCreateGroupBatchesMembers(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t)
	refs := []Ref{}
	for _, id := range memberIDs(12001) {
		refs = append(refs, Ref{Value: id})
	}
	g, err := c.CreateGroup(context.Background(), &Group{DisplayName: "everyone", Members: refs})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Members) != 12001 {
		t.Errorf("returned group has %d members, want 12001", len(g.Members))
	}
	reqs := f.recorded()
	if len(reqs) != 3 || reqs[0].Method != "POST" || reqs[1].Method != "PATCH" || reqs[2].Method != "PATCH" {
		t.Fatalf("requests: %d", len(reqs))
	}
	var created Group
	json.Unmarshal(reqs[0].Body, &created)
	if len(created.Members) != 5000 || created.Schemas[0] != SchemaGroup {
		t.Errorf("POST carried %d members, schemas %v", len(created.Members), created.Schemas)
	}
	for i, want := range []int{5000, 2001} {
		var p struct {
			Operations []struct {
				Op, Path string
				Value    []Ref
			}
		}
		json.Unmarshal(reqs[i+1].Body, &p)
		if len(p.Operations) != 1 || p.Operations[0].Op != "add" || p.Operations[0].Path != "members" || len(p.Operations[0].Value) != want {
			t.Errorf("PATCH %d: want one add of %d members", i, want)
		}
	}
	f.mu.Lock()
	stored := len(f.groups[0].Members)
	f.mu.Unlock()
	if stored != 12001 {
		t.Errorf("server group has %d members", stored)
	}
}

func TestCreateGroupWithoutMembersSendsEmptyList(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t)
	if _, err := c.CreateGroup(context.Background(), &Group{DisplayName: "empty"}); err != nil {
		t.Fatal(err)
	}
	if body := string(f.recorded()[0].Body); !strings.Contains(body, `"members":[]`) {
		t.Errorf("body = %s", body)
	}
}

func TestCreateGroupPartialFailureReturnsGroup(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == "PATCH" {
			scimError(w, 400, "no_such_group_members")
			return true
		}
		return false
	}
	c, _ := f.start(t)
	refs := []Ref{}
	for _, id := range memberIDs(5001) {
		refs = append(refs, Ref{Value: id})
	}
	g, err := c.CreateGroup(context.Background(), &Group{DisplayName: "big", Members: refs})
	if g == nil || g.ID == "" || !IsCode(err, CodeNoSuchGroupMembers) {
		t.Fatalf("got %v, %v; want the created group and no_such_group_members", g, err)
	}
}

func TestGroupMemberBatching(t *testing.T) {
	f := newFakeSlack()
	f.groups = []*Group{{ID: "S1", DisplayName: "g", Members: []Ref{}}}
	c, _ := f.start(t)
	ctx := context.Background()
	ids := memberIDs(10001)
	if err := c.AddGroupMembers(ctx, "S1", ids); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveGroupMembers(ctx, "S1", ids[:5001]); err != nil {
		t.Fatal(err)
	}
	reqs := f.recorded()
	if len(reqs) != 5 {
		t.Fatalf("made %d requests, want 3 adds + 2 removes", len(reqs))
	}
	var p struct{ Operations []PatchOp }
	json.Unmarshal(reqs[3].Body, &p)
	if len(p.Operations) != 5000 || p.Operations[0].Op != "remove" || p.Operations[0].Path != `members[value eq "U000000"]` {
		t.Errorf("first remove batch: %d ops, first %+v", len(p.Operations), p.Operations[0])
	}
	json.Unmarshal(reqs[4].Body, &p)
	if len(p.Operations) != 1 {
		t.Errorf("second remove batch: %d ops, want 1", len(p.Operations))
	}
	g, err := c.GetGroup(ctx, "S1")
	if err != nil || len(g.Members) != 5000 || g.Members[0].Value != "U005001" {
		t.Fatalf("group after add/remove: %d members, err %v", len(g.Members), err)
	}
	if err := c.AddGroupMembers(ctx, "S1", nil); err != nil || len(f.recorded()) != 6 {
		t.Errorf("adding nobody made a request or failed: %v", err)
	}
}

func TestPatchAndDeleteGroup(t *testing.T) {
	f := newFakeSlack()
	f.groups = []*Group{{ID: "S1", DisplayName: "old", Members: []Ref{}}}
	c, _ := f.start(t)
	ctx := context.Background()
	g, err := c.PatchGroup(ctx, "S1", []PatchOp{{Op: "replace", Path: "displayName", Value: "new"}})
	if err != nil || g.DisplayName != "new" {
		t.Fatalf("PatchGroup = %v, %v", g, err)
	}
	if err := c.DeleteGroup(ctx, "S1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetGroup(ctx, "S1"); !IsNotFound(err) {
		t.Errorf("GetGroup after delete: %v", err)
	}
}

func TestServiceProviderConfigFallsBackToPlural(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if strings.HasSuffix(r.URL.Path, "/ServiceProviderConfigs") {
			writeJSON(w, 200, map[string]any{"filter": map[string]any{"supported": true}})
			return true
		}
		return false
	}
	c, _ := f.start(t)
	cfg, err := c.ServiceProviderConfig(context.Background())
	if err != nil || cfg["filter"] == nil {
		t.Fatalf("got %v, %v", cfg, err)
	}
	if n := len(f.recorded()); n != 2 {
		t.Errorf("made %d requests, want 2", n)
	}
}

func TestServiceProviderConfigAuthErrorNoFallback(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t, func(o *Options) { o.Token = "xoxp-wrong" })
	_, err := c.ServiceProviderConfig(context.Background())
	if !IsAuth(err) || len(f.recorded()) != 1 {
		t.Fatalf("err = %v after %d requests", err, len(f.recorded()))
	}
}
