-- Version 4: fewer indexes for Derby to keep up. Derby gives every foreign key an index of its own, even where the
-- primary key begins with the same columns, and checks the key on every insert; it kept eleven indexes on the build
-- table, two of them changed by each state change. Kiln's writes are the only ones and keep the references
-- themselves (a derivation is stored with or before what refers to it, and nothing is deleted), so on Derby the hot
-- tables' foreign keys go. PostgreSQL, which makes no index for a foreign key and scans an index either way, keeps
-- its schema.
--
-- DROP CONSTRAINTS OF table TYPE is not SQL: Derby names the constraints declared without a name itself, and the
-- migration finds the names in its catalog (see Migrations).

${DERBY_ONLY}DROP CONSTRAINTS OF derivation_output FOREIGN KEY;
${DERBY_ONLY}DROP CONSTRAINTS OF derivation_input FOREIGN KEY;
${DERBY_ONLY}DROP CONSTRAINTS OF derivation_source FOREIGN KEY;
${DERBY_ONLY}DROP CONSTRAINTS OF build_tag FOREIGN KEY;
${DERBY_ONLY}DROP CONSTRAINTS OF build_required_tag FOREIGN KEY;
${DERBY_ONLY}DROP CONSTRAINTS OF build_output FOREIGN KEY;
${DERBY_ONLY}DROP CONSTRAINTS OF stored_path_reference FOREIGN KEY;
-- The build's derivation: build_drv_seq serves the lookups by derivation.
${DERBY_ONLY}DROP CONSTRAINTS OF build FOREIGN KEY;

-- The submission order: one unique index, newest first, in place of a unique constraint and a second index.
${DERBY_ONLY}DROP INDEX build_seq_desc;
${DERBY_ONLY}CREATE UNIQUE INDEX build_seq_desc ON build (seq DESC);
${DERBY_ONLY}DROP CONSTRAINTS OF build UNIQUE;

-- The state and the priority each keep the one index in the order the lists default to (newest first, highest
-- first); lists in the other order sort.
${DERBY_ONLY}DROP INDEX build_state_seq;
${DERBY_ONLY}DROP INDEX build_priority_seq;
