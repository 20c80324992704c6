-- Documents that record goods which are not the site's stock (a customer's unit sent for
-- repair, warranty old parts that belong to the manufacturer, their destruction): numbered,
-- signed and printed like every document, with lines but no stock movements.
ALTER TABLE document_type DROP CONSTRAINT document_type_direction_check,
    ADD CONSTRAINT document_type_direction_check CHECK (direction IN ('in', 'out', 'move', 'count', 'record'));
