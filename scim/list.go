package scim

import (
	"context"
	"fmt"
)

// pageSize is Slack's maximum count; larger values are silently clamped to it.
const pageSize = 1000

// listAll walks a list endpoint page by page until it has seen totalResults
// entries or Slack returns an empty page. Slack's paging shifts while
// accounts change, so an entry can show up on two pages: each id is delivered
// once.
func listAll[T any](ctx context.Context, c *Client, resource, filter string,
	decode func(dialect, []byte) (*ListPage[T], error), idOf func(*T) string, fn func(*T) error) error {
	seen := map[string]bool{}
	start := 1
	for {
		r := request{method: "GET", resource: resource, query: c.endpoint().dialect.listQuery(start, c.pageSize(), filter)}
		body, err := c.do(ctx, r)
		if err != nil {
			return err
		}
		page, err := decode(c.endpoint().dialect, body)
		if err != nil {
			return fmt.Errorf("slack SCIM GET %s: %w", r.path(), err)
		}
		for _, v := range page.Resources {
			if v == nil {
				continue
			}
			if id := idOf(v); id != "" {
				if seen[id] {
					continue
				}
				seen[id] = true
			}
			if err := fn(v); err != nil {
				return err
			}
		}
		start += len(page.Resources)
		if len(page.Resources) == 0 || start > page.TotalResults {
			return nil
		}
	}
}
