package models

// nameCorrectionMessages joins messageCatalogue (see its init).
var nameCorrectionMessages = map[MessageKind]MessageTemplate{}
