package sandbox

import (
	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/store"
	"github.com/breakthemonolith/workshop/internal/sandbox/tasks"
)

// Account is the sandbox's one AWS account id (moto's default, so results
// compare with moto's).
const Account = awsproto.Account

// DefaultRegion is the region of a request whose credential scope names none.
const DefaultRegion = awsproto.DefaultRegion

// DataInUseError says that another running sandbox holds the data folder.
type DataInUseError = store.DataInUseError

// Containers is the container engine the sandbox runs ECS tasks on
// (tasks.Containers).
type Containers = tasks.Containers

// ContainerSpec is a container to run for a task.
type ContainerSpec = tasks.ContainerSpec

// ContainerInfo is a container as the engine reports it.
type ContainerInfo = tasks.ContainerInfo

// ContainerLogLine is one line of a container's output.
type ContainerLogLine = tasks.ContainerLogLine

// Labels the sandbox puts on the containers it runs (tasks.LabelSandbox, …).
const (
	LabelSandbox   = tasks.LabelSandbox
	LabelTask      = tasks.LabelTask
	LabelContainer = tasks.LabelContainer
)

// DataID is the value of LabelSandbox on the containers of the sandbox
// whose data directory is dataDir.
func DataID(dataDir string) string { return tasks.DataID(dataDir) }
