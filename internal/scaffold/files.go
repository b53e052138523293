// Package scaffold writes the learner's workshop folder: the forum sample
// app (with its own go.mod, buildable with docker build) and the templates.
// It never overwrites a file the learner changed unless asked to, and then
// keeps the learner's version beside it.
package scaffold

import (
	"fmt"
	"io/fs"
	"path"

	sampleapp "github.com/breakthemonolith/workshop/sample-app"
	"github.com/breakthemonolith/workshop/templates"
)

// File is one file of the workshop folder.
type File struct {
	// Path is slash-separated and relative to the folder.
	Path string
	// Data is the file's content.
	Data []byte
}

// TemplatesDir is the folder, inside the workshop folder, that holds the
// templates.
const TemplatesDir = "templates"

// Files returns every file of the workshop folder: the sample app at its
// root with a go.mod, and the templates under templates/.
func Files() ([]File, error) {
	files := []File{{Path: "go.mod", Data: sampleapp.GoMod()}}
	app, err := collect(sampleapp.Files(), "")
	if err != nil {
		return nil, fmt.Errorf("read the embedded sample app: %w", err)
	}
	tmpl, err := collect(templates.Files(), TemplatesDir)
	if err != nil {
		return nil, fmt.Errorf("read the embedded templates: %w", err)
	}
	return append(append(files, app...), tmpl...), nil
}

// collect reads every regular file of fsys, with paths put under prefix.
func collect(fsys fs.FS, prefix string) ([]File, error) {
	var files []File
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, File{Path: path.Join(prefix, p), Data: data})
		return nil
	})
	return files, err
}
