package models

import "context"

type peekKey struct{}

// Peek marks ctx as a look that must leave no trace: a HEAD request, which
// link checkers and mail scanners send, is answered by the GET handler, and
// whatever that GET would record about being read (a contract's first
// viewing, a session's last-seen time) is not recorded.
func Peek(ctx context.Context) context.Context { return context.WithValue(ctx, peekKey{}, true) }

// IsPeek reports whether ctx was marked by Peek.
func IsPeek(ctx context.Context) bool { v, _ := ctx.Value(peekKey{}).(bool); return v }
