package httpx

import "net/url"

func mustURL(rawQuery string) *url.URL {
	return &url.URL{Path: "/", RawQuery: rawQuery}
}
