-- A DATABASE_URL server needs the extension in this database (the embedded one creates it itself).
CREATE EXTENSION IF NOT EXISTS timescaledb;
