"""领域: the 26 pilot domains of 国办发〔2019〕54号 and a locality's own additions."""
