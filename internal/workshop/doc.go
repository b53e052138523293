// Package workshop holds the domain of the workshop tool: the modules a
// learner works through, the steps inside them, the conditions that prove a
// step is done, and the check results that the CLI, the terminal UI and the
// instructor dashboard exchange.
//
// It is the centre of the program and imports nothing else from it. The
// adapters around it (cloud, engine, sandbox, tui, dashboard, progress)
// depend on these types; only internal/cli wires them together.
//
//	learner ──▶ step ──run──▶ AWS / Docker
//	   │          │
//	   │          └─check──▶ conditions ──▶ Result ──▶ progress store
//	   │                                      │
//	   └──────────────── TUI ◀────────────────┴──▶ dashboard events
package workshop
