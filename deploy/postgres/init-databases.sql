-- One database per service (docker compose runs this on the first start of PostgreSQL).
CREATE DATABASE gongkai_catalog;
CREATE DATABASE gongkai_documents;
CREATE DATABASE gongkai_requests;
CREATE DATABASE gongkai_gateway;
