package cli

import (
	"fmt"

	"github.com/breakthemonolith/workshop/internal/progress"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// recordProgress saves a result in the progress file that 'workshop start'
// and 'workshop status' read, as the terminal UI does.
func recordProgress(f *Factory, res workshop.Result) error {
	path, err := progress.DefaultPath(f.Getenv)
	if err != nil {
		return err
	}
	store, err := progress.Open(path)
	if err != nil {
		return err
	}
	if _, err := store.RecordOn(f.Global.Sandbox, res, f.Now()); err != nil {
		return fmt.Errorf("save the result in %s: %w", path, err)
	}
	return nil
}
