package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"nextstep/models"
)

// paramID reads a positive integer path parameter; anything else is a 404.
func paramID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}

// formInt reads an optional integer form or query value; malformed is 0.
func formInt(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// formIntStrict reads an integer, reporting whether it was well-formed.
func formIntStrict(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

// formDate reads a yyyy-mm-dd date in loc; malformed is the zero time.
func formDate(s string, loc *time.Location) time.Time {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

func pageParam(c echo.Context) int {
	p := int(formInt(c.QueryParam("page")))
	if p < 1 || p > 100000 {
		return 1
	}
	return p
}
