// Package steps is the workshop's content: the steps of modules 1 to 4 and
// of the clean-up, each with its explanation (markdown in text/), the
// conditions that prove it, and the exact AWS CLI and docker commands that
// perform it ('workshop explain'), with the learner's real values filled in.
package steps
