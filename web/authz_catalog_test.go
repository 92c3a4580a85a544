package web

// matrixCatalog holds the authorization matrix rows of catalogRoutes.
var matrixCatalog = map[string]allow{}

func init() {
	for route, rule := range matrixCatalog {
		matrix[route] = rule
	}
}
