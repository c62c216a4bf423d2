"""Hand-written OpenAPI 3.1 documents for the stateful acceptance tests, and helpers to serve them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# A bookstore: a collection (/books list + create) and its items (/books/{bookId} get/put/patch/delete).
# `id` and `created` are read-only, `secret` is write-only, `additionalProperties: false` everywhere.
# 404 has its own error shape (NotFound), different from 422's (ValidationError).
BOOKSTORE = """
openapi: 3.1.0
info: {title: bookstore, version: "1"}
paths:
  /books:
    get:
      operationId: listBooks
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 20, default: 10}}
        - {name: offset, in: query, schema: {type: integer, minimum: 0, default: 0}}
      responses:
        "200":
          description: a page of books
          headers:
            X-Total-Count: {schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/BookPage"}
        "422": {$ref: "#/components/responses/Invalid"}
    post:
      operationId: createBook
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Book"}
      responses:
        "201":
          description: created
          headers:
            Location: {schema: {type: string}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Book"}
        "422": {$ref: "#/components/responses/Invalid"}
  /books/{bookId}:
    parameters:
      - {name: bookId, in: path, required: true, schema: {type: integer, minimum: 1}}
    get:
      operationId: getBook
      responses:
        "200":
          description: the book
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Book"}
        "404": {$ref: "#/components/responses/NotFound"}
        "422": {$ref: "#/components/responses/Invalid"}
    put:
      operationId: replaceBook
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Book"}
      responses:
        "200":
          description: replaced
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Book"}
        "404": {$ref: "#/components/responses/NotFound"}
        "422": {$ref: "#/components/responses/Invalid"}
    patch:
      operationId: updateBook
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/BookPatch"}
      responses:
        "200":
          description: updated
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Book"}
        "404": {$ref: "#/components/responses/NotFound"}
        "422": {$ref: "#/components/responses/Invalid"}
    delete:
      operationId: deleteBook
      responses:
        "204": {description: deleted}
        "404": {$ref: "#/components/responses/NotFound"}
        "422": {$ref: "#/components/responses/Invalid"}
components:
  responses:
    NotFound:
      description: no such book
      content:
        application/json:
          schema: {$ref: "#/components/schemas/NotFound"}
    Invalid:
      description: the request breaks the document
      content:
        application/json:
          schema: {$ref: "#/components/schemas/ValidationError"}
  schemas:
    Book:
      type: object
      additionalProperties: false
      required: [id, title, created]
      properties:
        id: {type: integer, minimum: 1, readOnly: true}
        title: {type: string, minLength: 1, maxLength: 40}
        author: {type: string, maxLength: 40}
        year: {type: integer, minimum: 1450, maximum: 2100}
        tags: {type: array, maxItems: 3, items: {type: string, maxLength: 10}}
        secret: {type: string, writeOnly: true}
        created: {type: string, format: date-time, readOnly: true}
    BookPatch:
      type: object
      additionalProperties: false
      minProperties: 1
      properties:
        title: {type: string, minLength: 1, maxLength: 40}
        author: {type: string, maxLength: 40}
        year: {type: integer, minimum: 1450, maximum: 2100}
        tags: {type: array, maxItems: 3, items: {type: string, maxLength: 10}}
        secret: {type: string, writeOnly: true}
    BookPage:
      type: object
      additionalProperties: false
      required: [items, total, limit, offset]
      properties:
        items: {type: array, items: {$ref: "#/components/schemas/Book"}}
        total: {type: integer, minimum: 0}
        limit: {type: integer, minimum: 1}
        offset: {type: integer, minimum: 0}
    NotFound:
      type: object
      additionalProperties: false
      required: [status, error]
      properties:
        status: {type: integer}
        error: {type: string}
    ValidationError:
      type: object
      additionalProperties: false
      required: [code, message, violations]
      properties:
        code: {type: integer}
        message: {type: string}
        violations:
          type: array
          minItems: 1
          items:
            type: object
            required: [field, message]
            properties:
              field: {type: string}
              message: {type: string}
"""


# A library behind an API key: authors (string ids), each owning its books (nested, integer ids), and one
# settings object (a singleton: GET and PUT, no list). Explicit links tie every write to its reads.
LIBRARY = """
openapi: 3.1.0
info: {title: library, version: "1"}
servers: [{url: /v1}]
security: [{key: []}]
paths:
  /authors:
    get:
      operationId: listAuthors
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 50, default: 20}}
        - {name: offset, in: query, schema: {type: integer, minimum: 0, default: 0}}
      responses:
        "200":
          description: authors
          headers:
            X-Total-Count: {required: true, schema: {type: integer, minimum: 0}}
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Author"}}
        "401": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    post:
      operationId: createAuthor
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Author"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Author"}
          links:
            GetAuthor:
              operationId: getAuthor
              parameters: {authorId: "$response.body#/id"}
            UpdateAuthor:
              operationId: updateAuthor
              parameters: {authorId: "$response.body#/id"}
            DeleteAuthor:
              operationId: deleteAuthor
              parameters: {authorId: "$response.body#/id"}
            ListBooks:
              operationId: listBooks
              parameters: {authorId: "$response.body#/id"}
            CreateBook:
              operationId: createBook
              parameters: {authorId: "$response.body#/id"}
        "401": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /authors/{authorId}:
    parameters:
      - {name: authorId, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      operationId: getAuthor
      responses:
        "200":
          description: the author
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Author"}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    patch:
      operationId: updateAuthor
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/AuthorPatch"}
      responses:
        "200":
          description: updated
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Author"}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    delete:
      operationId: deleteAuthor
      responses:
        "204": {description: deleted, with the author's books}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /authors/{authorId}/books:
    parameters:
      - {name: authorId, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      operationId: listBooks
      responses:
        "200":
          description: the author's books
          content:
            application/json:
              schema:
                type: object
                required: [data, total]
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/Book"}}
                  total: {type: integer, minimum: 0}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    post:
      operationId: createBook
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Book"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Book"}
          links:
            GetBook:
              operationId: getBook
              parameters: {authorId: "$request.path.authorId", bookId: "$response.body#/id"}
            ReplaceBook:
              operationId: replaceBook
              parameters: {authorId: "$request.path.authorId", bookId: "$response.body#/id"}
            DeleteBook:
              operationId: deleteBook
              parameters: {authorId: "$request.path.authorId", bookId: "$response.body#/id"}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /authors/{authorId}/books/{bookId}:
    parameters:
      - {name: authorId, in: path, required: true, schema: {type: string, format: uuid}}
      - {name: bookId, in: path, required: true, schema: {type: integer, minimum: 1}}
    get:
      operationId: getBook
      responses:
        "200":
          description: the book
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Book"}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    put:
      operationId: replaceBook
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Book"}
      responses:
        "200":
          description: replaced
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Book"}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    delete:
      operationId: deleteBook
      responses:
        "204": {description: deleted}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /settings:
    get:
      operationId: getSettings
      responses:
        "200":
          description: the settings
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Settings"}
          links:
            WriteBack:
              operationId: putSettings
              requestBody: {theme: "$response.body#/theme", pageSize: "$response.body#/pageSize"}
        "401": {$ref: "#/components/responses/Problem"}
    put:
      operationId: putSettings
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Settings"}
      responses:
        "200":
          description: replaced
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Settings"}
          links:
            GetSettings: {operationId: getSettings}
        "401": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Library-Key}
  responses:
    Problem:
      description: an error
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
  schemas:
    Author:
      type: object
      additionalProperties: false
      required: [id, name]
      properties:
        id: {type: string, format: uuid, readOnly: true}
        name: {type: string, minLength: 1, maxLength: 60}
        born: {type: [integer, "null"], minimum: 1000, maximum: 2100}
        password: {type: string, writeOnly: true}
    AuthorPatch:
      type: object
      additionalProperties: false
      properties:
        name: {type: string, minLength: 1, maxLength: 60}
        born: {type: [integer, "null"], minimum: 1000, maximum: 2100}
    Book:
      type: object
      additionalProperties: false
      required: [id, title]
      properties:
        id: {type: integer, minimum: 1, readOnly: true}
        authorId: {type: string, format: uuid, readOnly: true}
        title: {type: string, minLength: 1, maxLength: 60}
        pages: {type: integer, minimum: 1, maximum: 5000}
    Settings:
      type: object
      additionalProperties: false
      required: [theme, pageSize]
      properties:
        theme: {type: string, enum: [light, dark]}
        pageSize: {type: integer, minimum: 1, maximum: 100}
        updated: {type: string, format: date-time, readOnly: true}
    Error:
      type: object
      required: [status, message]
      properties:
        status: {type: integer}
        message: {type: string}
"""


def write_spec(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def document(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded
