package sandbox

import (
	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/store"
)

// Account is the sandbox's one AWS account id (moto's default, so results
// compare with moto's).
const Account = awsproto.Account

// DefaultRegion is the region of a request whose credential scope names none.
const DefaultRegion = awsproto.DefaultRegion

// DataInUseError says that another running sandbox holds the data folder.
type DataInUseError = store.DataInUseError
