-- A reorder run reads the history location by location, each reader its share of the
-- locations, and gathers it part by part within each. demand_history_part_idx is in part
-- order across every location, so each reader walked the whole history to find its own; this
-- index holds each location's history together, in the order the run groups it, with the
-- quantity, so the run reads only its locations' entries and, where the table is vacuumed, no
-- table pages at all.
CREATE INDEX demand_history_location_idx ON demand_history (location_id, part_id, demand_date) INCLUDE (quantity);
