-- The daily deadlines job (`job run deadlines`): for the day p_on (today by default), marks
-- repair orders past their promised date and exchanges whose core is past its due date, and
-- returns what it found, for the job's row and `job show`:
-- {on, repairs: {marked, late: [...]}, cores: {marked, late: [...]}}. Each half locks its own
-- header rows in id order, as the commands on one of them do; other deadlines (warranty
-- parts) join here as further keys.
CREATE FUNCTION deadlines_mark(p_on date DEFAULT current_date) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object('on', p_on::text, 'repairs', repair_deadlines(p_on), 'cores', core_deadlines(p_on))
$$;
