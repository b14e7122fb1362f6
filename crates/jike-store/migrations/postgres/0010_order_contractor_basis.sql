-- By which rule an order's contractor was chosen (R-MD; jike_domain::derive::ContractorBasis):
-- given, failed_hop, failed_hop_contract, path_single_contractor, region_contract, element.
-- NULL for orders made before it was kept, and for orders with no contractor.
ALTER TABLE orders ADD COLUMN contractor_basis TEXT;
