package slackscim

import (
	"net/http"
	"net/url"
	"strconv"
)

const (
	scimDefaultCount = 10
	scimMaxCount     = 1000
)

type scimListResponse struct {
	Schemas      []string `json:"schemas"`
	Resources    []any    `json:"Resources"`
	TotalResults int      `json:"totalResults"`
	ItemsPerPage int      `json:"itemsPerPage"`
	StartIndex   int      `json:"startIndex"`
}

// scimPage is the window of a list request: startIndex is 1-based, count
// defaults to 10 and is silently capped at 1000, as Slack does.
type scimPage struct {
	start, count int
}

func scimParsePage(q url.Values) (scimPage, *scimError) {
	p := scimPage{start: 1, count: scimDefaultCount}
	if v := q.Get("startIndex"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return p, scimBadRequest("invalid_query")
		}
		p.start = max(n, 1)
	}
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return p, scimBadRequest("invalid_query")
		}
		p.count = min(max(n, 0), scimMaxCount)
	}
	if v := q.Get("sortOrder"); v != "" && v != "ascending" && v != "descending" {
		return p, scimBadRequest("invalid_sort_order")
	}
	return p, nil
}

// window returns the [from, to) slice bounds of a page over n matches.
func (p scimPage) window(n int) (int, int) {
	from := min(p.start-1, n)
	return from, min(from+p.count, n)
}

func scimList(resources []any, total int, p scimPage) scimListResponse {
	if resources == nil {
		resources = []any{}
	}
	return scimListResponse{
		Schemas:      []string{scimListSchema},
		Resources:    resources,
		TotalResults: total,
		ItemsPerPage: len(resources),
		StartIndex:   p.start,
	}
}

// scimFilterable is a stored resource a list filter can test.
type scimFilterable interface {
	filterAttr(attr string) (values []string, caseExact bool)
}

// scimListMatching answers GET on a resource collection: it parses the page
// and the filter (on attrs), keeps the stored items the filter matches, and
// renders only the requested window. items is read and render runs under s.mu.
func scimListMatching[T scimFilterable](s *Org, r *http.Request, attrs map[string]bool, items *[]T, render func(page []T) []any) (int, any, *scimError) {
	q := r.URL.Query()
	page, err := scimParsePage(q)
	if err != nil {
		return 0, nil, err
	}
	var filter scimFilter
	if q.Has("filter") {
		if filter, err = scimParseFilter(q.Get("filter"), attrs); err != nil {
			return 0, nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	matches := *items
	if filter != nil {
		matches = nil
		for _, it := range *items {
			if filter.match(it.filterAttr) {
				matches = append(matches, it)
			}
		}
	}
	from, to := page.window(len(matches))
	return http.StatusOK, scimList(render(matches[from:to]), len(matches), page), nil
}
