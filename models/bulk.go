package models

// bulkMessages joins messageCatalogue (see its init).
var bulkMessages = map[MessageKind]MessageTemplate{}
