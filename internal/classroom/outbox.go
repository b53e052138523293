package classroom

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// outbox holds the results not yet accepted by the dashboard, one file per
// result, named so that they sort in the order they were published.
type outbox struct {
	dir string
}

// maxOutbox bounds the outbox; past it the oldest results are dropped.
const maxOutbox = 1000

// entry is one outbox file: the result and the id the dashboard knows it
// by, so a result resent after a lost answer is stored once.
type entry struct {
	ID     string          `json:"id"`
	Result workshop.Result `json:"result"`
}

// add writes a result to the outbox.
func (o outbox) add(res workshop.Result, now time.Time) error {
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := fmt.Sprintf("%019d-%s", now.UnixNano(), hex.EncodeToString(b[:]))
	data, err := json.Marshal(entry{ID: id, Result: res})
	if err != nil {
		return fmt.Errorf("keep the result for the class: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(o.dir, id+".json"), data); err != nil {
		return fmt.Errorf("keep the result for the class: %w", err)
	}
	names := o.list()
	for i := 0; i < len(names)-maxOutbox; i++ {
		_ = os.Remove(filepath.Join(o.dir, names[i]))
	}
	return nil
}

// list returns the outbox's file names, oldest first.
func (o outbox) list() []string {
	des, err := os.ReadDir(o.dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, de := range des {
		if n := de.Name(); strings.HasSuffix(n, ".json") && !strings.HasPrefix(n, ".") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// read returns one outbox entry; a damaged file is removed.
func (o outbox) read(name string) (entry, bool) {
	data, err := os.ReadFile(filepath.Join(o.dir, name))
	if err != nil {
		return entry{}, false
	}
	var e entry
	if err := json.Unmarshal(data, &e); err != nil || e.ID == "" {
		o.remove(name)
		return entry{}, false
	}
	return e, true
}

func (o outbox) remove(name string) { _ = os.Remove(filepath.Join(o.dir, name)) }
