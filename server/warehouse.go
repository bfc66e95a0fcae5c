package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/warehouse"
)

var (
	warehouseAdmins  = []string{"admin", "operator"}
	warehouseReaders = []string{"admin", "operator", "customs", "merchant"}
	merchantWriters  = []string{"admin", "operator", "merchant"}
)

// warehouses returns the warehouse service.
func (s *Server) warehouses() *warehouse.Service {
	return s.cfg.Warehouse
}

func (s *Server) registerWarehouses() {
	register(s, huma.Operation{
		OperationID: "put-warehouse", Method: http.MethodPut, Path: "/v1/warehouses/{code}",
		Summary: "configure a warehouse", Tags: []string{"Warehouses"},
		Description: "Creates or replaces the warehouse on an office of kind warehouse: address, countries served with delivery days, zones with their bins (ZONE-001…). Operators only at offices in their scope.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, warehouseAdmins, s.putWarehouse)
	register(s, huma.Operation{
		OperationID: "list-warehouses", Method: http.MethodGet, Path: "/v1/warehouses",
		Summary: "list warehouses", Tags: []string{"Warehouses"},
	}, warehouseReaders, s.listWarehouses)
	register(s, huma.Operation{
		OperationID: "get-warehouse", Method: http.MethodGet, Path: "/v1/warehouses/{code}",
		Summary: "get a warehouse", Tags: []string{"Warehouses"}, Errors: []int{http.StatusNotFound},
	}, warehouseReaders, s.getWarehouse)
	register(s, huma.Operation{
		OperationID: "put-skus", Method: http.MethodPut, Path: "/v1/skus",
		Summary: "create or update SKUs", Tags: []string{"Warehouses"},
		Description: "Creates or updates a merchant's SKUs, all or none: every bad field of every SKU is listed.",
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, merchantWriters, s.putSKUs)
	register(s, huma.Operation{
		OperationID: "list-skus", Method: http.MethodGet, Path: "/v1/skus",
		Summary: "list a merchant's SKUs", Tags: []string{"Warehouses"}, Errors: []int{http.StatusUnprocessableEntity},
	}, warehouseReaders, s.listSKUs)
	register(s, huma.Operation{
		OperationID: "list-stock", Method: http.MethodGet, Path: "/v1/stock",
		Summary: "list stock", Tags: []string{"Stock"},
		Description: "On hand, reserved and available per warehouse, merchant and SKU. Merchants see their own.",
	}, warehouseReaders, s.listStock)
	register(s, huma.Operation{
		OperationID: "list-stock-movements", Method: http.MethodGet, Path: "/v1/stock/movements",
		Summary: "list the stock ledger", Tags: []string{"Stock"},
		Description: "Every stock change with its reason (receipt, reserve, release, ship, count) and reference, oldest first, a page at a time. A stock row's on hand and reserved are the sums of its movements.",
	}, warehouseReaders, s.listMovements)
	register(s, huma.Operation{
		OperationID: "verify-stock-ledger", Method: http.MethodGet, Path: "/v1/stock/verify",
		Summary: "recompute stock from the ledger", Tags: []string{"Stock"},
		Description: "Recomputes on hand and reserved of every stock row from the ledger and lists the rows that differ (an empty list when all is well).",
	}, warehouseAdmins, s.verifyLedger)
	register(s, huma.Operation{
		OperationID: "record-count", Method: http.MethodPost, Path: "/v1/warehouses/{code}/counts",
		Summary: "record a cycle count", Tags: []string{"Stock"},
		Description:   "Sets on hand of each counted SKU to what was found and books the difference to the ledger (reason count). A count below the units reserved by open orders is refused (409) and changes nothing.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, warehouseAdmins, s.recordCount)
	register(s, huma.Operation{
		OperationID: "get-replenishment", Method: http.MethodGet, Path: "/v1/replenishment",
		Summary: "get replenishment advice", Tags: []string{"Stock"},
		Description: "Per SKU and warehouse: units sold in the last weeks, days of cover, and the inbound quantity to book now given the corridor's transit time from the merchant's office. Reorders first.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, warehouseReaders, s.replenishment)
	s.registerInbounds()
	s.registerOrders()
}

type warehouseCodeInput struct {
	Code string `path:"code" doc:"Office code of the warehouse" example:"BELGGW"`
}

type putWarehouseInput struct {
	Code string `path:"code" doc:"Office code of an office of kind warehouse" example:"BELGGW"`
	Body struct {
		Kind    warehouse.Kind       `json:"kind" enum:"overseas,border"`
		Address warehouse.Address    `json:"address"`
		Serves  []warehouse.Coverage `json:"serves" minItems:"1" maxItems:"250"`
		Zones   []warehouse.Zone     `json:"zones" minItems:"1" maxItems:"100"`
	}
}

func (s *Server) putWarehouse(ctx context.Context, in *putWarehouseInput) (*struct{ Body warehouse.Warehouse }, error) {
	w, err := s.warehouses().PutWarehouse(ctx, principal(ctx), warehouse.Warehouse{Code: in.Code, Kind: in.Body.Kind, Address: in.Body.Address, Serves: in.Body.Serves, Zones: in.Body.Zones})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body warehouse.Warehouse }{w}, nil
}

type itemsOf[T any] struct {
	Body struct {
		Items []T `json:"items"`
	}
}

func items[T any](list []T) *itemsOf[T] {
	out := &itemsOf[T]{}
	out.Body.Items = list
	if out.Body.Items == nil {
		out.Body.Items = []T{}
	}
	return out
}

func (s *Server) listWarehouses(ctx context.Context, _ *struct{}) (*itemsOf[warehouse.Warehouse], error) {
	ws, err := s.warehouses().Warehouses(ctx)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return items(ws), nil
}

func (s *Server) getWarehouse(ctx context.Context, in *warehouseCodeInput) (*struct{ Body warehouse.Warehouse }, error) {
	w, err := s.warehouses().Warehouse(ctx, in.Code)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body warehouse.Warehouse }{w}, nil
}

type putSKUsInput struct {
	Body struct {
		Merchant string          `json:"merchant,omitempty" doc:"Merchant code; only admins and operators set it"`
		SKUs     []warehouse.SKU `json:"skus" minItems:"1" maxItems:"1000"`
	}
}

func (s *Server) putSKUs(ctx context.Context, in *putSKUsInput) (*itemsOf[warehouse.SKU], error) {
	skus, err := s.warehouses().PutSKUs(ctx, principal(ctx), in.Body.Merchant, in.Body.SKUs)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return items(skus), nil
}

type merchantQuery struct {
	Merchant string `query:"merchant" doc:"Merchant code (merchant keys see only their own)"`
}

func (s *Server) listSKUs(ctx context.Context, in *merchantQuery) (*itemsOf[warehouse.SKU], error) {
	skus, err := s.warehouses().SKUs(ctx, principal(ctx), in.Merchant)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return items(skus), nil
}

type stockInput struct {
	Warehouse string `query:"warehouse"`
	Merchant  string `query:"merchant" doc:"Merchant code (merchant keys see only their own)"`
	SKU       string `query:"sku"`
}

func (s *Server) listStock(ctx context.Context, in *stockInput) (*itemsOf[warehouse.Stock], error) {
	rows, err := s.warehouses().Stock(ctx, principal(ctx), warehouse.StockFilter{Warehouse: in.Warehouse, Merchant: in.Merchant, SKU: in.SKU})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return items(rows), nil
}

type movementsInput struct {
	Warehouse string `query:"warehouse"`
	Merchant  string `query:"merchant" doc:"Merchant code (merchant keys see only their own)"`
	SKU       string `query:"sku"`
	Ref       string `query:"ref" doc:"Inbound, order (or order/parcel) or count id"`
	Limit     int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Cursor    string `query:"cursor" doc:"next_cursor of the previous page"`
}

type page[T any] struct {
	Body struct {
		Items      []T    `json:"items"`
		NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page"`
	}
}

func pageOf[T any](list []T, next string) *page[T] {
	out := &page[T]{}
	out.Body.Items, out.Body.NextCursor = list, next
	if list == nil {
		out.Body.Items = []T{}
	}
	return out
}

func (s *Server) listMovements(ctx context.Context, in *movementsInput) (*page[warehouse.Movement], error) {
	ms, next, err := s.warehouses().Ledger(ctx, principal(ctx), warehouse.MovementFilter{Warehouse: in.Warehouse, Merchant: in.Merchant, SKU: in.SKU, Ref: in.Ref, Limit: in.Limit}, in.Cursor)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return pageOf(ms, next), nil
}

func (s *Server) verifyLedger(ctx context.Context, _ *struct{}) (*itemsOf[warehouse.LedgerMismatch], error) {
	bad, err := s.warehouses().VerifyLedger(ctx, principal(ctx))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return items(bad), nil
}

type countInput struct {
	Code string `path:"code" example:"BELGGW"`
	Body warehouse.CountRequest
}

func (s *Server) recordCount(ctx context.Context, in *countInput) (*struct{ Body warehouse.CycleCount }, error) {
	c, err := s.warehouses().RecordCount(ctx, principal(ctx), in.Code, in.Body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body warehouse.CycleCount }{c}, nil
}

type replenishInput struct {
	Merchant  string `query:"merchant" doc:"Merchant code (merchant keys see only their own; empty = all for admins and operators)"`
	Warehouse string `query:"warehouse"`
	Weeks     int    `query:"weeks" minimum:"1" maximum:"52" default:"8" doc:"Demand window in weeks"`
	Priority  string `query:"priority" enum:"cost,speed" default:"cost" doc:"Corridor for the replenishment: cheapest or fastest"`
}

func (s *Server) replenishment(ctx context.Context, in *replenishInput) (*itemsOf[warehouse.Advice], error) {
	adv, err := s.warehouses().Replenishment(ctx, principal(ctx), warehouse.ReplenishRequest{Merchant: in.Merchant, Warehouse: in.Warehouse,
		Priority: in.Priority, Policy: warehouse.Policy{Weeks: in.Weeks}})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return items(adv), nil
}
