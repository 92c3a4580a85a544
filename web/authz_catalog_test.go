package web

// matrixCatalog holds the authorization matrix rows of catalogRoutes. The
// {indicatorID} of the own-subtree object is an indicator Sở Y tế is
// responsible for; of the other one, an indicator of phường Nha Trang.
var matrixCatalog = map[string]allow{
	"GET /catalog/indicators":                        signedIn,
	"GET /catalog/indicators/new":                    admins,
	"POST /catalog/indicators":                       admins,
	"GET /catalog/indicators/{indicatorID}":          signedIn,
	"GET /catalog/indicators/{indicatorID}/edit":     manageUser,
	"POST /catalog/indicators/{indicatorID}":         manageUser,
	"POST /catalog/indicators/{indicatorID}/retire":  manageUser,
	"POST /catalog/indicators/{indicatorID}/restore": manageUser,
	"GET /admin/holidays":                            sysAdmin,
	"POST /admin/holidays":                           sysAdmin,
	"POST /admin/holidays/delete":                    sysAdmin,
}

func init() {
	for route, rule := range matrixCatalog {
		matrix[route] = rule
	}
}
