package tui

import (
	"slices"
	"testing"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

func TestBoardGatingAndMarks(t *testing.T) {
	tests := []struct {
		name        string
		results     []workshop.Result
		wantModules []mark // preflight, module-1, module-2
		wantSteps   []mark // module-1's two steps, module-2's step
		wantAt      [2]int
		wantCatchUp []string // before module-2's first step
	}{
		{"nothing checked", nil,
			[]mark{markTodo, markTodo, markLocked}, []mark{markTodo, markTodo, markLocked}, [2]int{1, 0},
			[]string{"module-1/create-repository", "module-1/push-image"}},
		{"first step done", []workshop.Result{module1Half},
			[]mark{markTodo, markFailing, markLocked}, []mark{markDone, markFailing, markLocked}, [2]int{1, 1},
			[]string{"module-1/create-repository", "module-1/push-image"}},
		{"module 1 passed opens module 2", []workshop.Result{preflightPass, module1Pass, module2Fail},
			[]mark{markDone, markDone, markFailing}, []mark{markDone, markDone, markFailing}, [2]int{2, 0},
			nil},
		{"a failing preflight does not gate", []workshop.Result{result(workshop.TargetPreflight, cond("preflight/docker", workshop.StatusFail)), module1Pass},
			[]mark{markFailing, markDone, markTodo}, []mark{markDone, markDone, markTodo}, [2]int{2, 0},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBoard(testModules(), tt.results)
			for i, want := range tt.wantModules {
				if got := b.moduleMark(i); got != want {
					t.Errorf("module %d: mark %d, want %d", i, got, want)
				}
			}
			got := []mark{b.stepMark(1, b.modules[1].Steps[0]), b.stepMark(1, b.modules[1].Steps[1]), b.stepMark(2, b.modules[2].Steps[0])}
			if !slices.Equal(got, tt.wantSteps) {
				t.Errorf("step marks %v, want %v", got, tt.wantSteps)
			}
			if i, j := b.firstTodo(); [2]int{i, j} != tt.wantAt {
				t.Errorf("at %d,%d, want %v", i, j, tt.wantAt)
			}
			if got := b.stepsBefore(2, 0); !slices.Equal(got, tt.wantCatchUp) {
				t.Errorf("catch up runs %v, want %v", got, tt.wantCatchUp)
			}
		})
	}
}

func TestBoardCatchUpWithinAModuleSkipsDoneSteps(t *testing.T) {
	b := newBoard(testModules(), []workshop.Result{module1Half})
	if got := b.stepsBefore(1, 1); len(got) != 0 {
		t.Errorf("the step before is done, yet catch up runs %v", got)
	}
	if got := b.lockedBy(2); got != workshop.TargetModule1 {
		t.Errorf("module-2 locked by %q", got)
	}
}
