package emulator

import (
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
