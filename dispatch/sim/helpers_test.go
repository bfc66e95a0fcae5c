package sim_test

import "github.com/interpost/interpost/auth"

var demoAdmin = auth.Principal{KeyID: "test", Role: auth.RoleAdmin}
